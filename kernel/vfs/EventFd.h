// eventfd(2): a 64-bit counter as a file. write adds, read takes the whole
// count (or 1 with EFD_SEMAPHORE); both wait (or EAGAIN) at the limits.
// Servers use it to wake their event loop from another thread.
#pragma once

#include "../core/WaitQueue.h"
#include "File.h"

namespace husk {

class EventFd final : public File {
public:
    static constexpr uint64_t kMax = 0xfffffffffffffffeull;

    EventFd(uint64_t initial, int flags, bool semaphore);

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::StringView anon_inode_name() const override { return "[eventfd]"; }
    short poll_events() override;
    PollGeneration poll_generation() const override { return m_generation; }

private:
    void changed(short which);

    uint64_t m_count;
    bool m_semaphore;
    WaitQueue m_waiters;
    PollGeneration m_generation;
};

} // namespace husk
