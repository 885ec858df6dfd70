#include "Timer.h"
#include "Scheduler.h"

namespace husk {

namespace {
using TimerList = kstd::IntrusiveList<Timer, &Timer::node>;
TimerList& timers()
{
    static TimerList list;
    return list;
}
} // namespace

void TimerQueue::arm(Timer& timer, uint64_t deadline)
{
    cancel(timer);
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

void TimerQueue::cancel(Timer& timer) { TimerList::remove(timer); }

size_t TimerQueue::run_expired(uint64_t now)
{
    size_t ran = 0;
    while (Timer* t = timers().first()) {
        if (t->deadline > now)
            break;
        TimerList::remove(*t);
        t->callback(t->arg);
        ++ran;
    }
    return ran;
}

uint64_t TimerQueue::next_deadline()
{
    for (auto& t : timers())
        if (t.wakes_idle)
            return t.deadline;
    return UINT64_MAX;
}

} // namespace husk
