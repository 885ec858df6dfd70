// One-shot timers on the monotonic clock. Callbacks run from the scheduler:
// the idle loop, a scheduling point, or a preemption at the end of an
// interrupt (only when the interrupted code holds no kernel state).
#pragma once

#include "../kstd/IntrusiveList.h"

namespace husk {

struct Timer {
    uint64_t deadline { 0 };
    void (*callback)(void* arg) { nullptr };
    void* arg { nullptr };
    kstd::ListNode node;
    // false: the timer never wakes an idle CPU (nor keeps a hosted kernel
    // from seeing a deadlock); it runs at the first scheduling point after
    // its deadline (statistics sampled while something runs).
    bool wakes_idle { true };
    bool is_armed() const { return node.is_linked(); }
};

class TimerQueue {
public:
    static void arm(Timer& timer, uint64_t deadline);
    static void cancel(Timer& timer);
    // Runs every timer whose deadline has passed; returns how many ran.
    static size_t run_expired(uint64_t now);
    // Earliest deadline of a timer that wakes idle CPUs, or UINT64_MAX.
    static uint64_t next_deadline();
};

} // namespace husk
