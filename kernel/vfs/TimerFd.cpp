#include "TimerFd.h"
#include <husk/platform.h>
#include "PollHub.h"

namespace husk {

using namespace kstd::errno_values;

TimerFd::TimerFd(int clock, int flags) : File(linux::O_RDWR | (flags & linux::O_NONBLOCK)), m_clock(clock)
{
    m_timer.callback = fired;
    m_timer.arg = this;
}

TimerFd::~TimerFd() { TimerQueue::cancel(m_timer); }

void TimerFd::catch_up(uint64_t now)
{
    if (!m_next || now < m_next)
        return;
    if (m_interval) {
        uint64_t periods = (now - m_next) / m_interval + 1;
        m_ticks += periods;
        m_next += periods * m_interval;
    } else {
        m_ticks += 1;
        m_next = 0;
    }
}

void TimerFd::fired(void* arg)
{
    auto* self = static_cast<TimerFd*>(arg);
    self->catch_up(husk_plat_clock_monotonic());
    if (self->m_next)
        TimerQueue::arm(self->m_timer, self->m_next);
    self->m_waiters.wake_all();
    PollHub::notify(self->m_generation, linux::POLLIN);
}

void TimerFd::set(uint64_t deadline, uint64_t interval)
{
    TimerQueue::cancel(m_timer);
    m_ticks = 0;
    m_next = deadline;
    m_interval = deadline ? interval : 0;
    if (!m_next)
        return;
    uint64_t now = husk_plat_clock_monotonic();
    catch_up(now); // a deadline already past counts at once
    if (m_next)
        TimerQueue::arm(m_timer, m_next);
    if (m_ticks) {
        m_waiters.wake_all();
        PollHub::notify(m_generation, linux::POLLIN);
    }
}

void TimerFd::get(uint64_t& remaining, uint64_t& interval)
{
    uint64_t now = husk_plat_clock_monotonic();
    catch_up(now);
    remaining = m_next ? (m_next > now ? m_next - now : 1) : 0;
    interval = m_interval;
}

ErrorOr<size_t> TimerFd::read(IoBuffer buf, size_t n)
{
    if (n < sizeof(uint64_t))
        return err(EINVAL);
    for (;;) {
        catch_up(husk_plat_clock_monotonic());
        if (m_ticks)
            break;
        if (is_nonblocking())
            return err(EAGAIN);
        if (m_waiters.wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS);
    }
    uint64_t value = m_ticks;
    TRY(buf.write_from(0, &value, sizeof value));
    m_ticks = 0;
    return sizeof value;
}

ErrorOr<void> TimerFd::stat(linux::stat& out)
{
    out = {};
    out.st_mode = 0600; // Linux's anonymous inode: no file type bits
    out.st_nlink = 1;
    out.st_blksize = 4096;
    return {};
}

short TimerFd::poll_events()
{
    catch_up(husk_plat_clock_monotonic());
    return m_ticks ? short(linux::POLLIN | linux::POLLRDNORM) : short(0);
}

} // namespace husk
