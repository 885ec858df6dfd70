// Clocks and sleeping.
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../core/WaitQueue.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

constexpr int64_t kCoarseResolution = 4000000; // a 250 Hz tick, like Linux's coarse clocks

ErrorOr<uint64_t> clock_now(int clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return husk_plat_clock_wall();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    // CPU-time clocks: one client, no accounting yet: monotonic time.
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        return husk_plat_clock_monotonic();
    default:
        return err(EINVAL);
    }
}

linux::timespec to_timespec(uint64_t ns) { return { int64_t(ns / 1000000000), int64_t(ns % 1000000000) }; }

} // namespace

ErrorOr<uint64_t> timespec_to_ns(UserPtr<const linux::timespec> u)
{
    linux::timespec t = TRY(copy_in(u));
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
        return err(EINVAL);
    if (uint64_t(t.tv_sec) > UINT64_MAX / 1000000000 - 1)
        return UINT64_MAX;
    return uint64_t(t.tv_sec) * 1000000000 + uint64_t(t.tv_nsec);
}

SysResult sys_clock_gettime(int clock, UserPtr<linux::timespec> tp)
{
    uint64_t now = TRY(clock_now(clock));
    TRY(copy_out(tp, to_timespec(now)));
    return 0;
}

SysResult sys_clock_getres(int clock, UserPtr<linux::timespec> res)
{
    TRY(clock_now(clock));
    if (res.is_null())
        return 0;
    bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
    TRY(copy_out(res, linux::timespec { 0, coarse ? kCoarseResolution : 1 }));
    return 0;
}

SysResult sys_gettimeofday(UserPtr<linux::timeval> tv, UserPtr<void> tz)
{
    if (!tv.is_null()) {
        uint64_t now = husk_plat_clock_wall();
        TRY(copy_out(tv, linux::timeval { int64_t(now / 1000000000), int64_t(now % 1000000000 / 1000) }));
    }
    if (!tz.is_null()) {
        int32_t zone[2] = { 0, 0 }; // UTC, no DST
        TRY(tz.buffer().write_from(0, zone, sizeof zone));
    }
    return 0;
}

SysResult sys_time(UserPtr<int64_t> t)
{
    int64_t now = int64_t(husk_plat_clock_wall() / 1000000000);
    if (!t.is_null())
        TRY(copy_out(t, now));
    return now;
}

namespace {
long resume_sleep(RestartBlock& restart);

// Linux's do_nanosleep: a signal ends the sleep early. A relative sleep
// stores the time left in rem and returns ERESTART_RESTARTBLOCK (EINTR
// after a handler, else restart_syscall sleeps on till the same deadline);
// an absolute one is simply made again (ERESTARTNOHAND).
SysResult sleep_until(uint64_t deadline, UserPtr<linux::timespec> rem, bool absolute)
{
    if (sleep_interruptible(deadline) != WaitQueue::Result::Interrupted)
        return 0;
    if (absolute)
        return err(ERESTARTNOHAND);
    uint64_t now = husk_plat_clock_monotonic();
    if (now >= deadline)
        return 0;
    if (!rem.is_null())
        TRY(copy_out(rem, to_timespec(deadline - now)));
    Signals::of_current_thread().restart = { resume_sleep, deadline, { rem.address(), 0, 0, 0 } };
    return err(ERESTART_RESTARTBLOCK);
}

long resume_sleep(RestartBlock& restart)
{
    auto r = sleep_until(restart.deadline, UserPtr<linux::timespec>(uintptr_t(restart.args[0])), false);
    return r.is_error() ? -long(r.error().code()) : r.value();
}
} // namespace

SysResult sys_nanosleep(UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem)
{
    uint64_t ns = TRY(timespec_to_ns(req));
    uint64_t now = husk_plat_clock_monotonic();
    return sleep_until(ns > UINT64_MAX - now ? UINT64_MAX : now + ns, rem, false);
}

SysResult sys_clock_nanosleep(int clock, int flags, UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
        return err(clock == CLOCK_THREAD_CPUTIME_ID ? EINVAL : (clock == CLOCK_PROCESS_CPUTIME_ID ? EOPNOTSUPP : EINVAL));
    uint64_t ns = TRY(timespec_to_ns(req));
    uint64_t mono = husk_plat_clock_monotonic();
    uint64_t deadline;
    if (flags & TIMER_ABSTIME) {
        uint64_t now = TRY(clock_now(clock));
        deadline = ns <= now ? mono : mono + (ns - now);
    } else {
        deadline = ns > UINT64_MAX - mono ? UINT64_MAX : mono + ns;
    }
    return sleep_until(deadline, rem, flags & TIMER_ABSTIME);
}

} // namespace husk
