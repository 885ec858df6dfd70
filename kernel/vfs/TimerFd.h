// timerfd(2): a timer as a file. read returns how many times it expired
// since the last read (waiting, or EAGAIN, while none); poll says POLLIN
// once it has. Deadlines are on the monotonic clock: the caller converts
// CLOCK_REALTIME's absolute times.
#pragma once

#include "../core/Timer.h"
#include "../core/WaitQueue.h"
#include "File.h"

namespace husk {

class TimerFd final : public File {
public:
    TimerFd(int clock, int flags);
    ~TimerFd() override;

    int clock() const { return m_clock; }
    // Arms for `deadline` (monotonic ns; 0 disarms), then every `interval`
    // ns (0: once); the count of expirations starts over.
    void set(uint64_t deadline, uint64_t interval);
    // What is left until the next expiration (0: disarmed) and the interval.
    void get(uint64_t& remaining, uint64_t& interval);

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    kstd::StringView anon_inode_name() const override { return "[timerfd]"; }
    short poll_events() override;
    PollGeneration poll_generation() const override { return m_generation; }

private:
    static void fired(void* self);
    // Counts the expirations up to now and moves the next deadline on.
    void catch_up(uint64_t now);

    int m_clock;
    uint64_t m_next { 0 };
    uint64_t m_interval { 0 };
    uint64_t m_ticks { 0 };
    Timer m_timer;
    WaitQueue m_waiters;
    PollGeneration m_generation;
};

} // namespace husk
