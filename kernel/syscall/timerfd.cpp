// timerfd_create, timerfd_settime, timerfd_gettime (the file: vfs/TimerFd).
#include <husk/platform.h>
#include "../vfs/TimerFd.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr int kRealtime = 0, kMonotonic = 1, kBoottime = 7, kRealtimeAlarm = 8, kBoottimeAlarm = 9;
constexpr int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
constexpr uint64_t kNs = 1000000000;

struct itimerspec {
    linux::timespec interval, value;
};

ErrorOr<RefPtr<TimerFd>> timerfd_of(int fd)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->anon_inode_name() != kstd::StringView("[timerfd]"))
        return err(EINVAL);
    return RefPtr<TimerFd>(static_cast<TimerFd*>(f.ptr()));
}

bool valid(const linux::timespec& t) { return t.tv_sec >= 0 && t.tv_nsec >= 0 && uint64_t(t.tv_nsec) < kNs; }
uint64_t ns_of(const linux::timespec& t)
{
    return uint64_t(t.tv_sec) > (UINT64_MAX / 2) / kNs ? UINT64_MAX / 2 : uint64_t(t.tv_sec) * kNs + uint64_t(t.tv_nsec);
}
linux::timespec timespec_of(uint64_t ns) { return { int64_t(ns / kNs), int64_t(ns % kNs) }; }

ErrorOr<void> copy_out_setting(TimerFd& t, UserPtr<void> out)
{
    uint64_t remaining, interval;
    t.get(remaining, interval);
    itimerspec cur { timespec_of(interval), timespec_of(remaining) };
    TRY(out.buffer().write_from(0, &cur, sizeof cur));
    return {};
}
} // namespace

SysResult sys_timerfd_create(int clock, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return err(EINVAL);
    if (clock != kRealtime && clock != kMonotonic && clock != kBoottime && clock != kRealtimeAlarm
        && clock != kBoottimeAlarm)
        return err(EINVAL);
    if ((clock == kRealtimeAlarm || clock == kBoottimeAlarm) && !Process::current().credentials().capable(Capability::WakeAlarm))
        return err(EPERM);
    RefPtr<File> f = kstd::adopt_new<TimerFd>(clock, flags);
    if (!f)
        return err(ENOMEM);
    return TRY(Process::current().fds().allocate(kstd::move(f), flags & O_CLOEXEC));
}

SysResult sys_timerfd_settime(int fd, int flags, UserPtr<const void> new_value, UserPtr<void> old_value)
{
    itimerspec in;
    TRY(new_value.buffer().read_into(&in, 0, sizeof in));
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return err(EINVAL);
    if (!valid(in.value) || !valid(in.interval))
        return err(EINVAL);
    RefPtr<TimerFd> t = TRY(timerfd_of(fd));
    if (!old_value.is_null())
        TRY(copy_out_setting(*t, old_value));
    uint64_t value = ns_of(in.value);
    uint64_t deadline = 0;
    if (value) {
        uint64_t now = husk_plat_clock_monotonic();
        if (!(flags & TFD_TIMER_ABSTIME)) {
            deadline = now + value;
        } else if (t->clock() == kRealtime || t->clock() == kRealtimeAlarm) {
            uint64_t wall = husk_plat_clock_wall();
            deadline = value > wall ? now + (value - wall) : now; // past: expires at once
        } else {
            deadline = value > now ? value : now;
        }
        if (deadline == 0)
            deadline = 1;
    }
    t->set(deadline, ns_of(in.interval));
    return 0;
}

SysResult sys_timerfd_gettime(int fd, UserPtr<void> cur)
{
    RefPtr<TimerFd> t = TRY(timerfd_of(fd));
    TRY(copy_out_setting(*t, cur));
    return 0;
}

} // namespace husk
