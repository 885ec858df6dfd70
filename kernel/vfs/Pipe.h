// Anonymous pipes: a 64 KiB ring with Linux's blocking, PIPE_BUF atomicity,
// EOF and EPIPE rules. Each end is a File; the Pipe lives while either does.
#pragma once

#include "../core/WaitQueue.h"
#include "File.h"

namespace husk {

class Pipe : public kstd::RefCounted<Pipe>, public kstd::HeapObject {
public:
    static constexpr size_t kCapacity = 65536;
    static kstd::ErrorOr<kstd::RefPtr<Pipe>> create();
    ~Pipe();

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n, bool nonblocking);
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n, bool nonblocking);
    short poll_events(bool read_end) const;
    size_t available() const { return m_used; }

    void attach(bool read_end);
    void detach(bool read_end);

    Pipe() = default;

private:
    uint8_t* m_ring { nullptr };
    size_t m_head { 0 };  // next byte to read
    size_t m_used { 0 };
    unsigned m_readers { 0 }, m_writers { 0 };
    WaitQueue m_read_waiters, m_write_waiters;
};

class PipeFile final : public File {
public:
    PipeFile(kstd::RefPtr<Pipe> pipe, bool read_end, int flags);
    ~PipeFile() override;

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::ErrorOr<long> ioctl(unsigned long request, uintptr_t arg) override;
    short poll_events() override { return m_pipe->poll_events(m_read_end); }
    uint64_t ino() const { return m_ino; }

private:
    kstd::RefPtr<Pipe> m_pipe;
    bool m_read_end;
    uint64_t m_ino;
};

} // namespace husk
