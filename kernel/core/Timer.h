// One-shot timers on the monotonic clock. Callbacks run from the scheduler:
// the idle loop, a scheduling point, or the end of a slice, always by a
// thread that holds the big lock. The list is the scheduler lock's.
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
    // true: the callback runs with the scheduler lock held (it may only
    // touch what that lock guards: a wait's timeout), so that a thread
    // without the big lock may arm and cancel it (arm_locked,
    // cancel_locked). Other timers are armed, cancelled and run under the
    // big lock only.
    bool scheduler_locked { false };
    bool is_armed() const { return node.is_linked(); }
};

class TimerQueue {
public:
    static void arm(Timer& timer, uint64_t deadline);
    static void cancel(Timer& timer);
    // The same with the scheduler lock held.
    static void arm_locked(Timer& timer, uint64_t deadline);
    static void cancel_locked(Timer& timer);
    // Runs every timer whose deadline has passed; returns how many ran.
    // The caller holds the big lock, not the scheduler lock.
    static size_t run_expired(uint64_t now);
    // Earliest deadline of a timer that wakes idle CPUs, or UINT64_MAX
    // (scheduler lock held).
    static uint64_t next_deadline();
    // Earliest deadline of any timer, or UINT64_MAX (scheduler lock held).
    static uint64_t next_expiry();
};

} // namespace husk
