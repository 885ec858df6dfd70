// Storage for a kernel-lifetime object whose destructor must never run:
// a static with a destructor would need the C++ runtime's __cxa_atexit,
// which the kernel does not link against (tests/build checks it).
#pragma once

#include "Types.h"

namespace kstd {

template<typename T>
class NeverDestroyed {
public:
    template<typename... Args>
    NeverDestroyed(Args&&... args) { new (placement, m_storage) T(forward<Args>(args)...); }
    NeverDestroyed(const NeverDestroyed&) = delete;
    NeverDestroyed& operator=(const NeverDestroyed&) = delete;

    T& get() { return *reinterpret_cast<T*>(m_storage); }
    T* operator->() { return &get(); }

private:
    alignas(T) unsigned char m_storage[sizeof(T)];
};

} // namespace kstd
