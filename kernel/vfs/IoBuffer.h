// A buffer that is either kernel memory or a client's ("user") memory.
// File systems copy through it, so the same read/write code serves kernel
// callers and system calls, and a bad user address becomes EFAULT.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class IoBuffer {
public:
    static IoBuffer kernel(void* p) { return IoBuffer(static_cast<uint8_t*>(p), false); }
    static IoBuffer user(uintptr_t address) { return IoBuffer(reinterpret_cast<uint8_t*>(address), true); }

    // Buffer bytes [offset, offset+n) <- kernel memory src.
    kstd::ErrorOr<void> write_from(size_t offset, const void* src, size_t n) const;
    // Kernel memory dst <- buffer bytes [offset, offset+n).
    kstd::ErrorOr<void> read_into(void* dst, size_t offset, size_t n) const;
    kstd::ErrorOr<void> fill_zero(size_t offset, size_t n) const;
    IoBuffer offset_by(size_t n) const { return IoBuffer(m_ptr + n, m_user); }
    bool is_user() const { return m_user; }
    // Kernel memory itself (nullptr for user memory), for a consumer that
    // copies anyway and need not copy twice.
    const uint8_t* kernel_memory() const { return m_user ? nullptr : m_ptr; }
    // The user address itself, for a platform that does I/O with user memory.
    uintptr_t user_address() const { return reinterpret_cast<uintptr_t>(m_ptr); }

private:
    IoBuffer(uint8_t* p, bool user) : m_ptr(p), m_user(user) {}
    uint8_t* m_ptr;
    bool m_user;
};

} // namespace husk
