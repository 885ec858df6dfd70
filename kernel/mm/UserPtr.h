// An address in the calling client's memory. Never dereferenced directly:
// data moves through IoBuffer / copy_in / copy_out, which turn bad
// addresses into EFAULT. Only kernel/syscall (and kernel/mm) use it: the
// layers below take kernel values and IoBuffers (tests/build/check-layers).
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"
#include "../vfs/IoBuffer.h"
#include "UserAccess.h"

namespace husk {

template<typename T>
class UserPtr {
public:
    UserPtr() = default;
    explicit UserPtr(uintptr_t address) : m_address(address) {}
    uintptr_t address() const { return m_address; }
    bool is_null() const { return m_address == 0; }
    IoBuffer buffer() const { return IoBuffer::user(m_address); }
    template<typename U>
    UserPtr<U> as() const { return UserPtr<U>(m_address); }
    UserPtr offset(size_t bytes) const { return UserPtr(m_address + bytes); }

private:
    uintptr_t m_address { 0 };
};

template<typename T>
kstd::ErrorOr<typename kstd::RemoveCV<T>::Type> copy_in(UserPtr<T> from)
{
    typename kstd::RemoveCV<T>::Type value;
    if (user_copy_in(&value, reinterpret_cast<const void*>(from.address()), sizeof(T)) != 0)
        return kstd::err(kstd::EFAULT);
    return value;
}

template<typename T>
kstd::ErrorOr<void> copy_out(UserPtr<T> to, const T& value)
{
    if (user_copy_out(reinterpret_cast<void*>(to.address()), &value, sizeof(T)) != 0)
        return kstd::err(kstd::EFAULT);
    return {};
}

} // namespace husk
