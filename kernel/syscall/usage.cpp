// What processes used: getrusage(2), times(2); wait4's rusage is filled here too.
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../proc/Process.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr uint64_t kNsPerTick = 1000000000 / USER_HZ;
} // namespace

linux::rusage rusage_of(const Usage& u)
{
    linux::rusage r {};
    r.utime_sec = int64_t(u.user_ns / 1000000000);
    r.utime_usec = int64_t(u.user_ns % 1000000000 / 1000);
    r.stime_sec = int64_t(u.system_ns / 1000000000);
    r.stime_usec = int64_t(u.system_ns % 1000000000 / 1000);
    r.counters[RU_MAXRSS] = int64_t(u.max_resident_kib);
    r.counters[RU_MINFLT] = int64_t(u.minor_faults);
    r.counters[RU_NVCSW] = int64_t(u.voluntary_switches);
    r.counters[RU_NIVCSW] = int64_t(u.involuntary_switches);
    return r;
}

SysResult sys_getrusage(int who, UserPtr<linux::rusage> usage)
{
    Process& self = Process::current();
    Usage u;
    switch (who) {
    case RUSAGE_SELF: u = self.usage(); break;
    case RUSAGE_CHILDREN: u = self.children_usage(); break;
    case RUSAGE_THREAD:
        u = Scheduler::current()->usage();
        u.max_resident_kib = self.usage().max_resident_kib; // Linux: the process's
        break;
    default: return err(EINVAL);
    }
    TRY(copy_out(usage, rusage_of(u)));
    return 0;
}

SysResult sys_times(UserPtr<linux::tms> buf)
{
    if (!buf.is_null()) {
        Process& self = Process::current();
        Usage mine = self.usage();
        const Usage& children = self.children_usage();
        TRY(copy_out(buf, linux::tms { int64_t(mine.user_ns / kNsPerTick), int64_t(mine.system_ns / kNsPerTick),
                                       int64_t(children.user_ns / kNsPerTick),
                                       int64_t(children.system_ns / kNsPerTick) }));
    }
    // Ticks since boot (Linux starts its count just below the 32-bit wrap;
    // only differences mean anything).
    return int64_t(husk_plat_clock_monotonic() / kNsPerTick);
}

} // namespace husk
