#include "WaitQueue.h"
#include "Scheduler.h"

namespace husk {

void WaitQueue::on_timeout(void* arg)
{
    auto* w = static_cast<Waiter*>(arg);
    decltype(m_waiters)::remove(*w);
    Scheduler::wake(*w->thread);
}

WaitQueue::Result WaitQueue::wait(uint64_t deadline)
{
    Waiter w;
    w.thread = Scheduler::current();
    m_waiters.append(w);
    Timer timer;
    if (deadline != UINT64_MAX) {
        timer.callback = on_timeout;
        timer.arg = &w;
        TimerQueue::arm(timer, deadline);
    }
    Scheduler::block();
    TimerQueue::cancel(timer);
    decltype(m_waiters)::remove(w);
    return w.woken ? Result::Woken : Result::TimedOut;
}

bool WaitQueue::wake_one()
{
    Waiter* w = m_waiters.take_first();
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

} // namespace husk
