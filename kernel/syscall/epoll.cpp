// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait,
// epoll_pwait2; eventfd, eventfd2 — the event-loop syscalls of servers.
#include "../kstd/Vector.h"
#include "../vfs/EpollInstance.h"
#include "../vfs/EventFd.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr size_t kMaxEvents = 0x7fffffff / sizeof(linux::epoll_event); // Linux's EP_MAX_EVENTS

SysResult do_epoll_wait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, uint64_t deadline)
{
    if (maxevents <= 0 || size_t(maxevents) > kMaxEvents)
        return err(EINVAL);
    RefPtr<File> f = TRY(file_of(epfd));
    if (!f->is_epoll())
        return err(EINVAL);
    // A buffer for what one call can report; huge maxevents need no huge buffer.
    size_t max = kstd::min(size_t(maxevents), size_t(1024));
    kstd::Vector<linux::epoll_event> ready;
    if (!ready.resize(max))
        return err(ENOMEM);
    // Linux checks the buffer before waiting.
    TRY(events.buffer().write_from(0, ready.data(), sizeof(linux::epoll_event)));
    size_t n = TRY(static_cast<EpollInstance&>(*f).wait(ready.data(), max, deadline));
    TRY(events.buffer().write_from(0, ready.data(), n * sizeof(linux::epoll_event)));
    return long(n);
}

SysResult install(RefPtr<File> file, bool cloexec)
{
    if (!file)
        return err(ENOMEM);
    return TRY(Process::current().fds().allocate(kstd::move(file), cloexec));
}
} // namespace

SysResult sys_epoll_create1(int flags)
{
    if (flags & ~O_CLOEXEC)
        return err(EINVAL);
    return install(kstd::adopt_new<EpollInstance>(), flags & O_CLOEXEC);
}

SysResult sys_epoll_create(int size)
{
    if (size <= 0)
        return err(EINVAL);
    return sys_epoll_create1(0);
}

SysResult sys_epoll_ctl(int epfd, int op, int fd, UserPtr<linux::epoll_event> uevent)
{
    linux::epoll_event ev {};
    if (op != EPOLL_CTL_DEL) // Linux reads the event before looking at descriptors
        ev = TRY(copy_in(uevent));
    RefPtr<File> ep = TRY(file_of(epfd));
    RefPtr<File> target = TRY(file_of(fd));
    if (!target->is_pollable())
        return err(EPERM);
    if (!ep->is_epoll() || ep == target)
        return err(EINVAL);
    // EPOLLEXCLUSIVE: only with ADD, and not on an epoll instance or with ONESHOT.
    if ((ev.events & EPOLLEXCLUSIVE)
        && (op == EPOLL_CTL_MOD || target->is_epoll() || (ev.events & EPOLLONESHOT)))
        return err(EINVAL);
    auto& instance = static_cast<EpollInstance&>(*ep);
    switch (op) {
    case EPOLL_CTL_ADD:
        TRY(instance.add(fd, *target, ev.events, ev.data));
        return 0;
    case EPOLL_CTL_MOD:
        TRY(instance.modify(fd, *target, ev.events, ev.data));
        return 0;
    case EPOLL_CTL_DEL:
        TRY(instance.remove(fd, *target));
        return 0;
    default:
        return err(EINVAL);
    }
}

SysResult sys_epoll_wait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, int timeout_ms)
{
    return do_epoll_wait(epfd, events, maxevents, deadline_after_ms(timeout_ms));
}

namespace {
// epoll_pwait, epoll_pwait2: the caller's mask replaced for the wait; an
// interrupted wait (EINTR) keeps it until the handler's frame has the old.
SysResult masked_epoll_wait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, uint64_t deadline,
                            UserPtr<const uint64_t> sigmask, size_t sigsetsize)
{
    SignalSet set;
    if (!sigmask.is_null()) {
        if (sigsetsize != sizeof(uint64_t))
            return err(EINVAL);
        set = SignalSet::from_bits(TRY(copy_in(sigmask)));
    }
    Signals::TemporaryMask mask(sigmask.is_null() ? nullptr : &set);
    SysResult n = do_epoll_wait(epfd, events, maxevents, deadline);
    mask.done(n.is_error() && n.error().code() == EINTR);
    return n;
}
} // namespace

SysResult sys_epoll_pwait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, int timeout_ms,
                          UserPtr<const uint64_t> sigmask, size_t sigsetsize)
{
    return masked_epoll_wait(epfd, events, maxevents, deadline_after_ms(timeout_ms), sigmask, sigsetsize);
}

SysResult sys_epoll_pwait2(int epfd, UserPtr<linux::epoll_event> events, int maxevents,
                           UserPtr<const linux::timespec> timeout, UserPtr<const uint64_t> sigmask, size_t sigsetsize)
{
    int64_t ns = TRY(timeout_ns(timeout));
    return masked_epoll_wait(epfd, events, maxevents, deadline_after(ns), sigmask, sigsetsize);
}

SysResult sys_eventfd2(unsigned initval, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
        return err(EINVAL);
    return install(kstd::adopt_new<EventFd>(uint64_t(initval), flags, (flags & EFD_SEMAPHORE) != 0), flags & O_CLOEXEC);
}

SysResult sys_eventfd(unsigned initval) { return sys_eventfd2(initval, 0); }

} // namespace husk
