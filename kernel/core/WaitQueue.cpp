#include "WaitQueue.h"
#include "Scheduler.h"

namespace husk {

using WaiterList = kstd::IntrusiveList<WaitQueueWaiter, &WaitQueueWaiter::node>;

void WaitQueue::on_timeout(void* arg)
{
    auto* w = static_cast<WaitQueueWaiter*>(arg);
    WaiterList::remove(*w);
    Scheduler::wake(*w->thread);
}

WaitQueue::Result WaitQueue::wait(uint64_t deadline) { return wait(deadline, false); }
WaitQueue::Result WaitQueue::wait_interruptible(uint64_t deadline) { return wait(deadline, true); }

WaitQueue::Result WaitQueue::wait(uint64_t deadline, bool interruptible)
{
    Thread* self = Scheduler::current();
    if (interruptible && self->signal_pending())
        return Result::Interrupted;
    WaitQueueWaiter w;
    w.thread = self;
    m_waiters.append(w);
    if (interruptible)
        self->m_interruptible_wait = &w;
    Timer timer;
    if (deadline != UINT64_MAX) {
        timer.callback = on_timeout;
        timer.arg = &w;
        TimerQueue::arm(timer, deadline);
    }
    Scheduler::block();
    TimerQueue::cancel(timer);
    WaiterList::remove(w);
    self->m_interruptible_wait = nullptr;
    if (w.woken)
        return Result::Woken;
    return w.interrupted ? Result::Interrupted : Result::TimedOut;
}

void WaitQueue::interrupt(Thread& thread)
{
    WaitQueueWaiter* w = thread.m_interruptible_wait;
    if (!w || w->woken)
        return;
    WaiterList::remove(*w);
    w->interrupted = true;
    Scheduler::wake(thread);
}

bool WaitQueue::wake_one()
{
    WaitQueueWaiter* w = m_waiters.take_first();
    if (!w)
        return false;
    w->woken = true;
    Scheduler::wake(*w->thread);
    return true;
}

size_t WaitQueue::wake_all()
{
    size_t n = 0;
    while (wake_one())
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
