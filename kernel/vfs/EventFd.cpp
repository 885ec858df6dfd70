#include "EventFd.h"
#include "PollHub.h"

namespace husk {

using namespace kstd::errno_values;

EventFd::EventFd(uint64_t initial, int flags, bool semaphore)
    : File(linux::O_RDWR | (flags & linux::O_NONBLOCK))
    , m_count(initial)
    , m_semaphore(semaphore)
{
}

void EventFd::changed(short which)
{
    m_waiters.wake_all();
    PollHub::notify(m_generation, which);
}

ErrorOr<size_t> EventFd::read(IoBuffer buf, size_t n)
{
    if (n < sizeof(uint64_t))
        return err(EINVAL);
    while (m_count == 0) {
        if (is_nonblocking())
            return err(EAGAIN);
        if (m_waiters.wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS);
    }
    uint64_t value = m_semaphore ? 1 : m_count;
    TRY(buf.write_from(0, &value, sizeof value));
    m_count -= value;
    changed(linux::POLLOUT); // as Linux: a read wakes writers
    return sizeof value;
}

ErrorOr<size_t> EventFd::write(IoBuffer buf, size_t n)
{
    if (n < sizeof(uint64_t))
        return err(EINVAL);
    uint64_t value;
    TRY(buf.read_into(&value, 0, sizeof value));
    if (value == ~0ull)
        return err(EINVAL);
    while (m_count > kMax - value) {
        if (is_nonblocking())
            return err(EAGAIN);
        if (m_waiters.wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS);
    }
    m_count += value;
    if (value)
        changed(linux::POLLIN);
    return sizeof value;
}

ErrorOr<void> EventFd::stat(linux::stat& out)
{
    out = {};
    out.st_mode = 0600; // Linux's anonymous inode: no file type bits
    out.st_nlink = 1;
    out.st_blksize = 4096;
    return {};
}

short EventFd::poll_events()
{
    short ev = 0;
    if (m_count > 0)
        ev |= linux::POLLIN | linux::POLLRDNORM;
    if (m_count < kMax)
        ev |= linux::POLLOUT | linux::POLLWRNORM;
    return ev;
}

} // namespace husk
