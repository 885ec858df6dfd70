#include "WaitQueue.h"
#include "Scheduler.h"

namespace husk {

using WaiterList = kstd::IntrusiveList<WaitQueueWaiter, &WaitQueueWaiter::node>;

// Scheduler lock held (a scheduler_locked timer).
void WaitQueue::on_timeout(void* arg)
{
    auto* w = static_cast<WaitQueueWaiter*>(arg);
    if (!w->node.is_linked())
        return; // woken or interrupted meanwhile
    WaiterList::remove(*w);
    Scheduler::wake_locked(*w->thread);
}

WaitQueue::Result WaitQueue::wait(uint64_t deadline) { return wait(deadline, false); }
WaitQueue::Result WaitQueue::wait_interruptible(uint64_t deadline) { return wait(deadline, true); }

WaitQueue::Result WaitQueue::wait(uint64_t deadline, bool interruptible)
{
    WaitQueueWaiter w;
    prepare(w, interruptible);
    // Expired timers run once the waiter is on the queue: a callback that
    // wakes it (the caller checked its condition before waiting) counts.
    Scheduler::housekeeping();
    return finish(w, deadline);
}

void WaitQueue::prepare(WaitQueueWaiter& w, bool interruptible)
{
    Thread* self = Scheduler::current();
    w.thread = self;
    SpinGuard guard(Scheduler::lock());
    if (interruptible && self->signal_pending()) {
        w.interrupted = true;
        return;
    }
    m_waiters.append(w);
    if (interruptible)
        self->m_interruptible_wait = &w;
}

WaitQueue::Result WaitQueue::finish(WaitQueueWaiter& w, uint64_t deadline)
{
    Thread* self = w.thread;
    Timer timer;
    timer.callback = on_timeout;
    timer.arg = &w;
    timer.scheduler_locked = true;
    unsigned long irq = Scheduler::lock().lock();
    if (w.node.is_linked() && deadline != UINT64_MAX)
        TimerQueue::arm_locked(timer, deadline);
    bool retake = false;
    while (w.node.is_linked())
        retake |= Scheduler::block_locked();
    TimerQueue::cancel_locked(timer);
    if (self->m_interruptible_wait == &w)
        self->m_interruptible_wait = nullptr;
    bool woken = w.woken, interrupted = w.interrupted;
    Scheduler::resume(irq, retake);
    if (woken)
        return Result::Woken;
    return interrupted ? Result::Interrupted : Result::TimedOut;
}

void WaitQueue::interrupt(Thread& thread)
{
    SpinGuard guard(Scheduler::lock());
    WaitQueueWaiter* w = thread.m_interruptible_wait;
    if (!w || !w->node.is_linked())
        return;
    WaiterList::remove(*w);
    w->interrupted = true;
    Scheduler::wake_locked(thread);
}

bool WaitQueue::wake_one_locked()
{
    WaitQueueWaiter* w = m_waiters.take_first();
    if (!w)
        return false;
    w->woken = true;
    Scheduler::wake_locked(*w->thread);
    return true;
}

bool WaitQueue::wake_one()
{
    SpinGuard guard(Scheduler::lock());
    return wake_one_locked();
}

size_t WaitQueue::wake_all()
{
    SpinGuard guard(Scheduler::lock());
    size_t n = 0;
    while (wake_one_locked())
        ++n;
    return n;
}

WaitQueue::Result sleep_interruptible(uint64_t deadline)
{
    WaitQueue nobody_wakes;
    for (;;) {
        auto r = nobody_wakes.wait_interruptible(deadline);
        if (r == WaitQueue::Result::Interrupted)
            return r;
        if (husk_plat_clock_monotonic() >= deadline)
            return WaitQueue::Result::TimedOut;
    }
}

} // namespace husk
