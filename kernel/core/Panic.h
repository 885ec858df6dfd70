// Fatal kernel errors: log the message and a backtrace, then halt.
#pragma once

#include <husk/platform.h>

namespace husk {

inline constexpr int kPanicExitStatus = HUSK_EXIT_PANIC;

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define KASSERT(cond)                                                        \
    do {                                                                     \
        if (!(cond))                                                         \
            ::husk::panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)

} // namespace husk
