#include "BigLock.h"
#include <husk/platform.h>
#include "Panic.h"

namespace husk {

void BigLock::enable()
{
    s_owner = int(husk_plat_cpu_id());
    uint64_t now = husk_plat_clock_monotonic();
    for (auto& c : s_clock)
        c.since = now;
    __atomic_store_n(&s_enabled, true, __ATOMIC_RELEASE);
}

void BigLock::acquire()
{
    if (!s_enabled)
        return;
    int me = int(husk_plat_cpu_id());
    if (__atomic_load_n(&s_owner, __ATOMIC_RELAXED) == me)
        panic("big lock: CPU %d takes it twice", me);
    Clock& c = s_clock[unsigned(me) % kMaxCpus];
    uint64_t start = husk_plat_clock_monotonic();
    c.times.outside_ns += start - c.since;
    ++c.times.acquisitions;
    bool waited = false;
    for (;;) {
        int expected = -1;
        if (__atomic_compare_exchange_n(&s_owner, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            break;
        waited = true;
        while (__atomic_load_n(&s_owner, __ATOMIC_RELAXED) != -1)
            husk_plat_cpu_relax();
    }
    c.since = husk_plat_clock_monotonic();
    if (waited) {
        ++c.times.contended;
        c.times.spin_ns += c.since - start;
    }
}

void BigLock::release()
{
    if (!s_enabled)
        return;
    if (__atomic_load_n(&s_owner, __ATOMIC_RELAXED) != int(husk_plat_cpu_id()))
        panic("big lock: CPU %u lets go of it without holding it", husk_plat_cpu_id());
    Clock& c = s_clock[husk_plat_cpu_id() % kMaxCpus];
    uint64_t now = husk_plat_clock_monotonic();
    c.times.held_ns += now - c.since;
    c.since = now;
    __atomic_store_n(&s_owner, -1, __ATOMIC_RELEASE);
}

BigLock::CpuTimes BigLock::times(unsigned cpu) { return cpu < kMaxCpus ? s_clock[cpu].times : CpuTimes {}; }

bool BigLock::held_here()
{
    return !s_enabled || __atomic_load_n(&s_owner, __ATOMIC_RELAXED) == int(husk_plat_cpu_id());
}

} // namespace husk
