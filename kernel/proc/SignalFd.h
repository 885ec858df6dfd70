// signalfd(2): signals read as data. A read takes the pending signals of
// its mask that wait for the reading thread (its own, then its process's)
// instead of delivering them; poll and epoll see them as input. Programs
// block those signals so that they wait to be read.
#pragma once

#include "../abi/SignalSet.h"
#include "../vfs/File.h"

namespace husk {

class SignalFd final : public File {
public:
    SignalFd(SignalSet mask, int flags);
    void set_mask(SignalSet mask);

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    short poll_events() override;
    PollGeneration poll_generation() const override { return generation(); }
    bool is_signalfd() const override { return true; }

    // A signal was queued somewhere: readers and pollers look again.
    static void signal_queued();

private:
    static PollGeneration& generation();
    SignalSet m_mask;
};

} // namespace husk
