// Threads waiting for a condition. A waiter may give a deadline; wait()
// tells whether it was woken or timed out. An interruptible wait also ends
// when a signal the thread does not block arrives (Linux's
// TASK_INTERRUPTIBLE): the caller then returns a restart errno
// (kstd::ERESTARTSYS, ...) that the way back to user space acts on.
// The lists, the waiters' flags and the timeout timers are the scheduler
// lock's (Scheduler::lock): a waiter leaves the list when it is woken,
// interrupted or timed out, and sleeps only while it is on it, so a wake
// that comes before the sleep is never lost.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "Thread.h"

namespace husk {

struct WaitQueueWaiter {
    Thread* thread { nullptr };
    bool woken { false };
    bool interrupted { false };
    kstd::ListNode node;
};

class WaitQueue {
public:
    enum class Result { Woken, TimedOut, Interrupted };

    // Blocks the current thread until wake_one/wake_all or the deadline
    // (UINT64_MAX: none). Callers re-check their condition afterwards.
    Result wait(uint64_t deadline = UINT64_MAX);
    // As wait, and Interrupted when the thread has a signal pending
    // (Thread::signal_pending) before or while it waits.
    Result wait_interruptible(uint64_t deadline = UINT64_MAX);
    // A wait in two steps, for callers that decide to sleep under a lock
    // of their own (a futex bucket's, taken before the scheduler lock):
    // prepare() puts the current thread on the queue (a wake from then on
    // counts), finish() sleeps unless that wake came already.
    void prepare(WaitQueueWaiter& waiter, bool interruptible);
    Result finish(WaitQueueWaiter& waiter, uint64_t deadline);
    bool wake_one();
    size_t wake_all();
    bool has_waiters() const { return !m_waiters.is_empty(); }

    // Ends the interruptible wait thread is in, if any (a signal for it).
    static void interrupt(Thread& thread);

private:
    Result wait(uint64_t deadline, bool interruptible);
    bool wake_one_locked();
    static void on_timeout(void* waiter);
    kstd::IntrusiveList<WaitQueueWaiter, &WaitQueueWaiter::node> m_waiters;
};

// A sleep until deadline that a signal ends early: Interrupted or TimedOut.
WaitQueue::Result sleep_interruptible(uint64_t deadline);

} // namespace husk
