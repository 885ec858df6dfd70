#include "Mutex.h"
#include "Panic.h"
#include "Scheduler.h"

namespace husk {

void Mutex::lock()
{
    Thread* self = Scheduler::current();
    if (m_owner == self)
        panic("mutex: recursive lock by %s", self->name());
    while (m_owner)
        m_waiters.wait();
    m_owner = self;
}

bool Mutex::try_lock()
{
    if (m_owner)
        return false;
    m_owner = Scheduler::current();
    return true;
}

void Mutex::unlock()
{
    if (m_owner != Scheduler::current())
        panic("mutex: unlock by a thread that does not hold it");
    m_owner = nullptr;
    m_waiters.wake_one();
}

bool Mutex::is_held_by_current() const { return m_owner == Scheduler::current(); }

WaitQueue::Result CondVar::wait(Mutex& mutex, uint64_t deadline)
{
    // Single CPU, no preemption inside the kernel: nothing can run between
    // the unlock and the wait, so no wakeup is lost.
    mutex.unlock();
    auto result = m_waiters.wait(deadline);
    mutex.lock();
    return result;
}

} // namespace husk
