// Anonymous pipes, modelled on Linux's: a ring of 16 page-sized slots. A
// write's sub-page remainder may merge into the last slot; everything else
// takes whole free slots. That one rule gives Linux's capacity, PIPE_BUF
// atomicity, EAGAIN and poll behaviour exactly. Each end is a File; the
// Pipe lives while either end does.
#pragma once

#include "../core/WaitQueue.h"
#include "File.h"

namespace husk {

class Pipe : public kstd::RefCounted<Pipe>, public kstd::HeapObject {
public:
    static constexpr size_t kSlots = 16;
    static constexpr size_t kSlotSize = 4096;
    static constexpr size_t kCapacity = kSlots * kSlotSize;

    static kstd::ErrorOr<kstd::RefPtr<Pipe>> create();
    Pipe() = default;
    ~Pipe();

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n, bool nonblocking);
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n, bool nonblocking);
    short poll_events(bool read_end) const;
    PollGeneration generation() const { return m_generation; }
    const PollGeneration* generation_source() const { return &m_generation; }
    size_t available() const;

    void attach(bool read_end);
    void detach(bool read_end);

private:
    struct Slot {
        uint32_t offset;
        uint32_t length;
    };
    bool is_empty() const { return m_head == m_tail; }
    bool is_full() const { return m_head - m_tail >= kSlots; }
    Slot& slot(size_t index) { return m_slots[index % kSlots]; }
    uint8_t* page(size_t index) { return m_pages + (index % kSlots) * kSlotSize; }
    // Readiness changed: which = POLLIN (for readers) and/or POLLOUT (writers).
    void changed(short which);

    uint8_t* m_pages { nullptr };
    Slot m_slots[kSlots] {};
    size_t m_head { 0 }; // next slot to fill
    size_t m_tail { 0 }; // oldest slot with data
    unsigned m_readers { 0 }, m_writers { 0 };
    WaitQueue m_read_waiters, m_write_waiters;
    PollGeneration m_generation;
};

class PipeFile final : public File {
public:
    PipeFile(kstd::RefPtr<Pipe> pipe, bool read_end, int flags);
    ~PipeFile() override;

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg) override;
    short poll_events() override { return m_pipe->poll_events(m_read_end); }
    PollGeneration poll_generation() const override { return m_pipe->generation(); }
    const PollGeneration* async_source() const override { return m_pipe->generation_source(); }
    uint64_t ino() const { return m_ino; }
    bool raises_sigpipe() const override { return true; }

private:
    kstd::RefPtr<Pipe> m_pipe;
    bool m_read_end;
    uint64_t m_ino;
};

} // namespace husk
