#include "CpuPlacement.h"

namespace husk {

unsigned CpuPlacement::for_ready(const CpuLoad* cpus, unsigned count, unsigned last, unsigned waker)
{
    if (last < count && cpus[last].load() == 0)
        return last;
    if (waker < count && cpus[waker].load() == 0)
        return waker;
    for (unsigned i = 0; i < count; ++i)
        if (cpus[i].load() == 0)
            return i;
    if (last < count)
        return last;
    unsigned best = waker < count ? waker : 0;
    for (unsigned i = 0; i < count; ++i)
        if (cpus[i].load() < cpus[best].load())
            best = i;
    return best;
}

unsigned CpuPlacement::steal_from(const CpuLoad* cpus, unsigned count, unsigned thief)
{
    unsigned victim = kNoCpu;
    for (unsigned i = 0; i < count; ++i) {
        if (i == thief || !cpus[i].busy || cpus[i].queued == 0)
            continue;
        if (victim == kNoCpu || cpus[i].queued > cpus[victim].queued)
            victim = i;
    }
    return victim;
}

unsigned CpuPlacement::longest_queue(const CpuLoad* cpus, unsigned count, unsigned cpu)
{
    unsigned longest = kNoCpu;
    for (unsigned i = 0; i < count; ++i) {
        if (i == cpu || cpus[i].queued == 0)
            continue;
        if (longest == kNoCpu || cpus[i].queued > cpus[longest].queued)
            longest = i;
    }
    return longest;
}

unsigned CpuPlacement::balance_from(const CpuLoad* cpus, unsigned count, unsigned cpu)
{
    if (cpu >= count)
        return kNoCpu;
    size_t mine = cpus[cpu].queued + 1;
    unsigned busiest = kNoCpu;
    for (unsigned i = 0; i < count; ++i) {
        if (i == cpu || cpus[i].queued == 0)
            continue;
        if (busiest == kNoCpu || cpus[i].load() > cpus[busiest].load())
            busiest = i;
    }
    return busiest != kNoCpu && cpus[busiest].load() >= mine + 2 ? busiest : kNoCpu;
}

} // namespace husk
