// The C library's own functions behind the ones this library interposes
// (dlsym RTLD_NEXT), resolved once.
#pragma once

#include <dlfcn.h>

namespace husk::hijack {

template<typename F>
F real(const char* name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

// REAL(open) is the next definition of open, typed like ours.
#define REAL(name)                                                              \
    ([]() {                                                                     \
        static auto fn = ::husk::hijack::real<decltype(&::name)>(#name);        \
        return fn;                                                              \
    }())

} // namespace husk::hijack
