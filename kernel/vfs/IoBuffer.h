// A buffer that is either kernel memory or a client's ("user") memory.
// File systems copy through it, so the same read/write code serves kernel
// callers and system calls, and a bad user address becomes EFAULT. A read
// can also go into a ByteSink, which takes the bytes where they lie.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class ByteSink;

class IoBuffer {
public:
    static IoBuffer kernel(void* p) { return IoBuffer(static_cast<uint8_t*>(p), Kind::Kernel); }
    static IoBuffer user(uintptr_t address) { return IoBuffer(reinterpret_cast<uint8_t*>(address), Kind::User); }
    // Reads only: write_from hands the bytes to sink (in order; EAGAIN when
    // it is full), read_into fails with EFAULT.
    static IoBuffer sink(ByteSink& sink);

    // Buffer bytes [offset, offset+n) <- kernel memory src.
    kstd::ErrorOr<void> write_from(size_t offset, const void* src, size_t n) const;
    // Kernel memory dst <- buffer bytes [offset, offset+n).
    kstd::ErrorOr<void> read_into(void* dst, size_t offset, size_t n) const;
    kstd::ErrorOr<void> fill_zero(size_t offset, size_t n) const;
    IoBuffer offset_by(size_t n) const;
    // The memory at an address read from this buffer (a pointer inside an
    // ioctl's argument): in the same memory, a program's or the kernel's.
    IoBuffer at_address(uintptr_t address) const { return IoBuffer(reinterpret_cast<uint8_t*>(address), m_kind == Kind::User ? Kind::User : Kind::Kernel); }
    bool is_user() const { return m_kind == Kind::User; }
    // Kernel memory itself (nullptr for user memory and sinks), for a
    // consumer that copies anyway and need not copy twice.
    const uint8_t* kernel_memory() const { return m_kind == Kind::Kernel ? m_ptr : nullptr; }
    // The user address itself, for a platform that does I/O with user memory.
    uintptr_t user_address() const { return reinterpret_cast<uintptr_t>(m_ptr); }

private:
    enum class Kind : uint8_t { Kernel, User, Sink };
    IoBuffer(uint8_t* p, Kind kind, ByteSink* sink = nullptr, size_t at = 0) : m_ptr(p), m_sink(sink), m_at(at), m_kind(kind) {}
    uint8_t* m_ptr;    // kernel or user memory
    ByteSink* m_sink;  // or a sink, and where in the read this buffer starts
    size_t m_at;
    Kind m_kind;
};

} // namespace husk
