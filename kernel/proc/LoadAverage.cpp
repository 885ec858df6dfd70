#include "LoadAverage.h"
#include <husk/platform.h>
#include "../core/Timer.h"
#include "Process.h"

namespace husk {

namespace {
// exp(-5 s / 1, 5, 15 min) in kOne units: Linux's EXP_1, EXP_5, EXP_15.
constexpr unsigned long kDecay[3] = { 1884, 2014, 2037 };
unsigned long g_loads[3];
Timer g_timer;

// calc_load: load * e + active * (1 - e), rounded up while rising.
unsigned long decayed(unsigned long load, unsigned long decay, unsigned long active)
{
    unsigned long next = load * decay + active * (LoadAverage::kOne - decay);
    if (active >= load)
        next += LoadAverage::kOne - 1;
    return next / LoadAverage::kOne;
}

// The timer does not wake an idle CPU: when it runs late, the CPUs were
// idle for the samples it missed, which count no thread (at most enough
// of them to bring any load to 0).
void tick(void*)
{
    constexpr uint64_t kMaxMissed = 4096;
    uint64_t now = husk_plat_clock_monotonic();
    uint64_t missed = now > g_timer.deadline ? (now - g_timer.deadline) / LoadAverage::kIntervalNs : 0;
    for (uint64_t i = 0; i < missed && i < kMaxMissed; ++i)
        LoadAverage::sample(0);
    LoadAverage::sample(LoadAverage::active_threads());
    TimerQueue::arm(g_timer, g_timer.deadline + (missed + 1) * LoadAverage::kIntervalNs);
}
} // namespace

void LoadAverage::start()
{
    if (g_timer.is_armed())
        return;
    g_timer.callback = tick;
    g_timer.wakes_idle = false;
    TimerQueue::arm(g_timer, husk_plat_clock_monotonic() + kIntervalNs);
}

void LoadAverage::sample(size_t active)
{
    for (int i = 0; i < 3; ++i)
        g_loads[i] = decayed(g_loads[i], kDecay[i], active * kOne);
}

void LoadAverage::loads(unsigned long out[3])
{
    for (int i = 0; i < 3; ++i)
        out[i] = g_loads[i];
}

size_t LoadAverage::active_threads()
{
    size_t active = 0;
    Process::for_each([&](Process& p) {
        for (Thread& t : p.threads())
            if (t.state() == Thread::State::Running || t.state() == Thread::State::Ready)
                ++active;
    });
    return active;
}

} // namespace husk
