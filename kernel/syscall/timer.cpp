// timer_create, timer_settime, timer_gettime, timer_getoverrun,
// timer_delete: POSIX per-process timers (proc/PosixTimers).
#include "../proc/PosixTimers.h"
#include "../proc/Process.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr uint64_t kNs = 1000000000;

// The kernel's sigevent (64 bytes) and itimerspec.
struct kernel_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid; // the union's first word: SIGEV_THREAD_ID's thread
    int32_t pad[11];
};
static_assert(sizeof(kernel_sigevent) == 64);

struct timer_spec {
    linux::timespec interval, value;
};

bool valid(const linux::timespec& t) { return t.tv_sec >= 0 && t.tv_nsec >= 0 && uint64_t(t.tv_nsec) < kNs; }
uint64_t ns_of(const linux::timespec& t)
{
    return uint64_t(t.tv_sec) > (UINT64_MAX / 2) / kNs ? UINT64_MAX / 2 : uint64_t(t.tv_sec) * kNs + uint64_t(t.tv_nsec);
}
linux::timespec timespec_of(uint64_t ns) { return { int64_t(ns / kNs), int64_t(ns % kNs) }; }
timer_spec spec_of(PosixTimers::Setting s) { return { timespec_of(s.interval_ns), timespec_of(s.value_ns) }; }
} // namespace

SysResult sys_timer_create(int clock, UserPtr<const void> event, UserPtr<int32_t> id_out)
{
    PosixTimers::Event ev {};
    bool given = !event.is_null();
    if (given) {
        kernel_sigevent k;
        TRY(event.buffer().read_into(&k, 0, sizeof k));
        ev = { k.notify, k.signo, k.value, uint32_t(k.tid) };
    }
    Process& self = Process::current();
    int id = TRY(PosixTimers::create(self, clock, given ? &ev : nullptr));
    auto copied = copy_out(id_out, int32_t(id));
    if (copied.is_error()) {
        (void)PosixTimers::remove(self, id);
        return copied.error();
    }
    return 0;
}

SysResult sys_timer_settime(int id, int flags, UserPtr<const void> new_value, UserPtr<void> old_value)
{
    if (new_value.is_null())
        return err(EINVAL);
    timer_spec in;
    TRY(new_value.buffer().read_into(&in, 0, sizeof in));
    if (!valid(in.value) || !valid(in.interval))
        return err(EINVAL);
    PosixTimers::Setting old = TRY(PosixTimers::set(Process::current(), id, flags & linux::TIMER_ABSTIME,
                                                    { ns_of(in.value), ns_of(in.interval) }));
    if (!old_value.is_null()) {
        timer_spec out = spec_of(old);
        TRY(old_value.buffer().write_from(0, &out, sizeof out));
    }
    return 0;
}

SysResult sys_timer_gettime(int id, UserPtr<void> cur)
{
    timer_spec out = spec_of(TRY(PosixTimers::get(Process::current(), id)));
    TRY(cur.buffer().write_from(0, &out, sizeof out));
    return 0;
}

SysResult sys_timer_getoverrun(int id) { return TRY(PosixTimers::overrun(Process::current(), id)); }

SysResult sys_timer_delete(int id)
{
    TRY(PosixTimers::remove(Process::current(), id));
    return 0;
}

} // namespace husk
