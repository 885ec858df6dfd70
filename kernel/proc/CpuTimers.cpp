#include "CpuTimers.h"
#include "PosixTimers.h"
#include "Process.h"

namespace husk {

namespace {
uint64_t clock_of(const Usage& u, int which) { return which == linux::ITIMER_VIRTUAL ? u.user_ns : u.cpu_ns(); }
} // namespace

Signals::TimerValue CpuTimers::get(Process& process, int which)
{
    Process::CpuTimer& t = process.cpu_timer(which);
    if (!t.deadline_ns)
        return { 0, t.interval_ns };
    uint64_t now = clock_of(process.usage(), which);
    return { t.deadline_ns > now ? t.deadline_ns - now : 1000, t.interval_ns }; // Linux: at least 1 µs
}

Signals::TimerValue CpuTimers::set(Process& process, int which, Signals::TimerValue value)
{
    Signals::TimerValue old = get(process, which);
    Process::CpuTimer& t = process.cpu_timer(which);
    t.interval_ns = value.value_ns ? value.interval_ns : 0;
    t.deadline_ns = value.value_ns ? clock_of(process.usage(), which) + value.value_ns : 0;
    process.cpu_timers_changed();
    return old;
}

void CpuTimers::check(Process& process)
{
    if (!process.cpu_timers_armed())
        return;
    PosixTimers::check_cpu(process);
    Usage u = process.usage();
    constexpr int kTimers[] = { linux::ITIMER_VIRTUAL, linux::ITIMER_PROF };
    for (int which : kTimers) {
        Process::CpuTimer& t = process.cpu_timer(which);
        uint64_t now = clock_of(u, which);
        if (!t.deadline_ns || now < t.deadline_ns)
            continue;
        // One signal however many intervals passed (they do not queue).
        if (t.interval_ns)
            t.deadline_ns += ((now - t.deadline_ns) / t.interval_ns + 1) * t.interval_ns;
        else
            t.deadline_ns = 0;
        linux::siginfo info {};
        info.si_signo = which == linux::ITIMER_VIRTUAL ? linux::SIGVTALRM : linux::SIGPROF;
        info.si_code = linux::SI_KERNEL;
        (void)Signals::send_to_process(process, info);
    }
}

} // namespace husk
