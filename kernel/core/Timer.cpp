#include "Timer.h"
#include "Scheduler.h"

namespace husk {

namespace {
using TimerList = kstd::IntrusiveList<Timer, &Timer::node>;
// The scheduler lock's (first used at boot, before other CPUs start).
TimerList& timers()
{
    static TimerList list;
    return list;
}
} // namespace

void TimerQueue::arm(Timer& timer, uint64_t deadline)
{
    SpinGuard guard(Scheduler::lock());
    arm_locked(timer, deadline);
}

void TimerQueue::cancel(Timer& timer)
{
    SpinGuard guard(Scheduler::lock());
    cancel_locked(timer);
}

void TimerQueue::arm_locked(Timer& timer, uint64_t deadline)
{
    cancel_locked(timer);
    timer.deadline = deadline;
    bool first = true;
    for (auto& t : timers()) {
        if (t.deadline > deadline) {
            timers().insert_before(t, timer);
            if (first)
                Scheduler::earliest_deadline(deadline);
            return;
        }
        first = false;
    }
    timers().append(timer);
    if (first)
        Scheduler::earliest_deadline(deadline);
}

void TimerQueue::cancel_locked(Timer& timer) { TimerList::remove(timer); }

size_t TimerQueue::run_expired(uint64_t now)
{
    size_t ran = 0;
    for (;;) {
        unsigned long irq = Scheduler::lock().lock();
        Timer* t = timers().first();
        if (!t || t->deadline > now) {
            Scheduler::lock().unlock(irq);
            return ran;
        }
        TimerList::remove(*t);
        ++ran;
        if (t->scheduler_locked) {
            t->callback(t->arg);
            Scheduler::lock().unlock(irq);
            continue;
        }
        // Its owner arms and cancels it under the big lock, which this
        // caller holds: the timer stays as it is while the callback runs.
        Scheduler::lock().unlock(irq);
        t->callback(t->arg);
    }
}

uint64_t TimerQueue::next_deadline()
{
    for (auto& t : timers())
        if (t.wakes_idle)
            return t.deadline;
    return UINT64_MAX;
}

uint64_t TimerQueue::next_expiry()
{
    Timer* t = timers().first();
    return t ? t->deadline : UINT64_MAX;
}

} // namespace husk
