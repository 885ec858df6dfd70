#include "PosixTimers.h"
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../core/Timer.h"
#include "Process.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

enum class ClockKind { Real, RealWall, ProcessCpu, ThreadCpu };
enum class State { Disarmed, Armed, RequeuePending };

} // namespace

// One timer (Linux's k_itimer). Deadlines are in its clock's time base:
// monotonic ns for the real clocks, CPU ns for the CPU-time ones.
struct PosixTimer : kstd::HeapObject {
    Process* process { nullptr };
    int id { 0 };
    ClockKind kind { ClockKind::Real };
    int cpu_which { 2 };      // CPU clocks: 0 PROF, 1 VIRT (program time only), 2 SCHED
    uint32_t clock_tid { 0 }; // ThreadCpu: whose clock
    uint32_t clock_pid { 0 }; // ProcessCpu: whose clock (another process's: the timer is "foreign")
    PosixTimers::Event event {};
    uint64_t deadline { 0 }, interval { 0 };
    State state { State::Disarmed };
    bool ignored { false }; // periodic, expired while its signal was ignored
    // Linux's it_signal_seq (bumped by settime, delete and each rearm) and
    // it_sigqueue_seq (its value when the signal was queued): a taken
    // signal whose numbers differ is stale.
    uint32_t signal_seq { 0 }, sigqueue_seq { 0 };
    int64_t overrun { -1 }, overrun_last { 0 };
    Timer timer;
    kstd::ListNode node;
    kstd::ListNode foreign_node; // on the list of timers measuring another process

    bool sigev_none() const { return event.notify == SIGEV_NONE; }
    bool cpu_clock() const { return kind == ClockKind::ProcessCpu || kind == ClockKind::ThreadCpu; }
    bool foreign() const { return kind == ClockKind::ProcessCpu && clock_pid != process->pid(); }
    bool checked() const { return cpu_clock() && state == State::Armed && !sigev_none(); }
};

struct PosixTimerTable : kstd::HeapObject {
    kstd::IntrusiveList<PosixTimer, &PosixTimer::node> timers;
    size_t count { 0 };
    uint32_t next_id { 0 };
};

namespace {

// Timers on another process's CPU clock: that process's threads check
// them, as they check its own.
using ForeignList = kstd::IntrusiveList<PosixTimer, &PosixTimer::foreign_node>;
ForeignList& foreign_timers()
{
    static ForeignList list;
    return list;
}

PosixTimer* find(Process& p, int id)
{
    if (!p.posix_timers() || id < 0)
        return nullptr;
    for (PosixTimer& t : p.posix_timers()->timers)
        if (t.id == id)
            return &t;
    return nullptr;
}

uint64_t now_of(PosixTimer& t)
{
    switch (t.kind) {
    case ClockKind::Real:
    case ClockKind::RealWall:
        return husk_plat_clock_monotonic();
    case ClockKind::ProcessCpu: {
        Process* measured = t.foreign() ? Process::find(t.clock_pid) : t.process;
        if (!measured)
            return 0; // reaped: its clock stands still
        Usage u = measured->usage();
        return t.cpu_which == 1 ? u.user_ns : u.cpu_ns();
    }
    case ClockKind::ThreadCpu: {
        Thread* th = Signals::find_thread(t.clock_tid, t.process);
        if (!th)
            return 0; // the thread is gone: its clock stands still
        Usage u = th->usage();
        return t.cpu_which == 1 ? u.user_ns : u.cpu_ns();
    }
    }
    return 0;
}

uint64_t add_saturating(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

// Moves the deadline past now by whole intervals; how many (Linux's
// hrtimer_forward: 0 when it is still ahead).
uint64_t forward(PosixTimer& t, uint64_t now)
{
    if (now < t.deadline || !t.interval)
        return 0;
    uint64_t n = (now - t.deadline) / t.interval + 1;
    t.deadline = add_saturating(t.deadline, n > UINT64_MAX / t.interval ? UINT64_MAX : n * t.interval);
    return n;
}

// Whether p's threads must check CPU-clock timers (its own, or others'
// on its clock).
void update_cpu_flag(Process& p)
{
    bool armed = false;
    if (p.posix_timers())
        for (PosixTimer& t : p.posix_timers()->timers)
            if (t.checked() && !t.foreign())
                armed = true;
    for (PosixTimer& t : foreign_timers())
        if (t.checked() && t.clock_pid == p.pid())
            armed = true;
    p.set_posix_cpu_timers_armed(armed);
    p.cpu_timers_changed();
}

// After t's state changed: the flags of its owner and of the process it measures.
void update_cpu_flags(PosixTimer& t)
{
    update_cpu_flag(*t.process);
    if (t.foreign())
        if (Process* measured = Process::find(t.clock_pid))
            update_cpu_flag(*measured);
}

int overrun_to_int(int64_t v) { return v > 0x7fffffff ? 0x7fffffff : int(v); }

// Linux's posixtimer_send_sigqueue: the signal goes out once; an ignored
// one is dropped (a periodic timer stops until it is not ignored).
void send(PosixTimer& t)
{
    Process& p = *t.process;
    if (p.exiting())
        return;
    Thread* target = nullptr;
    if (t.event.notify & SIGEV_THREAD_ID) {
        target = Signals::find_thread(t.event.tid, &p);
        if (!target)
            return; // the thread ended
    }
    t.sigqueue_seq = t.signal_seq;
    int sig = t.event.signo;
    if (Signals::discards(p, target, sig)) {
        t.ignored = t.state == State::RequeuePending;
        return;
    }
    t.ignored = false;
    SignalQueue& queue = target ? target->signals().pending : p.pending_signals();
    if (queue.holds_timer(t.id))
        return; // still queued: it stands for this expiry too
    siginfo info {};
    info.si_signo = sig;
    info.si_code = SI_TIMER;
    info.si_pid = t.id;    // si_tid
    info.si_uid = 0;       // si_overrun, set when taken
    info.si_value = t.event.value;
    (void)Signals::send_for_timer(p, target, info, t.id);
}

void fire(PosixTimer& t)
{
    t.state = t.interval ? State::RequeuePending : State::Disarmed;
    send(t);
}

void on_expiry(void* arg) { fire(*static_cast<PosixTimer*>(arg)); }

void arm(PosixTimer& t)
{
    t.state = State::Armed;
    if (t.cpu_clock()) {
        update_cpu_flags(t);
        return;
    }
    t.timer.callback = on_expiry;
    t.timer.arg = &t;
    TimerQueue::arm(t.timer, t.deadline);
}

void destroy(PosixTimer& t)
{
    TimerQueue::cancel(t.timer);
    decltype(PosixTimerTable::timers)::remove(t);
    if (t.foreign()) {
        ForeignList::remove(t);
        t.state = State::Disarmed;
        update_cpu_flags(t);
    }
    delete &t;
}

PosixTimers::Setting current_setting(PosixTimer& t)
{
    PosixTimers::Setting s { 0, t.interval };
    if (t.state == State::Disarmed)
        return s;
    uint64_t now = now_of(t);
    // A periodic timer waiting for its signal to be taken (or without
    // one) moves on, counting the intervals (Linux's common_timer_get).
    if (t.interval && (t.state == State::RequeuePending || t.sigev_none()))
        t.overrun += int64_t(forward(t, now));
    if (t.deadline > now)
        s.value_ns = t.deadline - now;
    else
        s.value_ns = t.sigev_none() ? 0 : 1; // expired but not yet sent
    return s;
}

} // namespace

ErrorOr<void> PosixTimers::check_clock(int clock)
{
    if (clock < 0)
        return (clock & 3) == 3 ? err(EINVAL) : ErrorOr<void>();
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return {};
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
        return err(EOPNOTSUPP);
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
        if (!Process::current().credentials().capable(Capability::WakeAlarm))
            return err(EPERM);
        return {};
    default:
        return err(EINVAL);
    }
}

ErrorOr<int> PosixTimers::create(Process& p, int clock, const Event* event)
{
    TRY(check_clock(clock));
    if (!p.posix_timers()) {
        p.posix_timers() = new PosixTimerTable();
        if (!p.posix_timers())
            return err(EAGAIN);
    }
    PosixTimerTable& table = *p.posix_timers();
    if (table.count >= kMaxTimers)
        return err(EAGAIN);
    // The id is taken now, whatever happens next (Linux's posix_timer_add).
    int id = -1;
    for (;;) {
        int candidate = int(table.next_id & 0x7fffffff);
        table.next_id = (table.next_id + 1) & 0x7fffffff;
        if (!find(p, candidate)) {
            id = candidate;
            break;
        }
    }
    Event ev { SIGEV_SIGNAL, SIGALRM, uint64_t(id), 0 };
    if (event) {
        ev = *event;
        switch (ev.notify) {
        case SIGEV_SIGNAL | SIGEV_THREAD_ID:
            if (!Signals::find_thread(ev.tid, &p))
                return err(EINVAL);
            [[fallthrough]];
        case SIGEV_SIGNAL:
        case SIGEV_THREAD:
            if (ev.signo <= 0 || ev.signo > NSIG)
                return err(EINVAL);
            break;
        case SIGEV_NONE:
            break;
        default:
            return err(EINVAL);
        }
    }
    auto* t = new PosixTimer();
    if (!t)
        return err(EAGAIN);
    t->process = &p;
    t->id = id;
    t->event = ev;
    if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI) {
        t->kind = ClockKind::RealWall;
    } else if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID || clock < 0) {
        // A CPU-time clock: the caller's process or one of its threads
        // (~id << 3 | 4 for a thread | type; id 0: the caller).
        bool thread = clock >= 0 ? clock == CLOCK_THREAD_CPUTIME_ID : (clock & 4) != 0;
        uint32_t who = clock >= 0 ? 0 : uint32_t(~(clock >> 3));
        t->cpu_which = clock >= 0 ? 2 : (clock & 3);
        if (thread) {
            Thread* self = Scheduler::current();
            Thread* th = who ? Signals::find_thread(who, &p) : (self->process() == &p ? self : nullptr);
            if (!th) {
                delete t;
                return err(EINVAL);
            }
            t->kind = ClockKind::ThreadCpu;
            t->clock_tid = th->tid();
        } else {
            // Any process's clock (Linux: a process, not another thread).
            if (who && who != p.pid() && !Process::find(who)) {
                delete t;
                return err(EINVAL);
            }
            t->kind = ClockKind::ProcessCpu;
            t->clock_pid = who ? who : p.pid();
        }
    }
    table.timers.append(*t);
    if (t->foreign())
        foreign_timers().append(*t);
    ++table.count;
    return id;
}

ErrorOr<PosixTimers::Setting> PosixTimers::set(Process& p, int id, bool absolute, Setting setting)
{
    PosixTimer* t = find(p, id);
    if (!t)
        return err(EINVAL);
    Setting old = current_setting(*t);
    ++t->signal_seq; // a signal still queued is stale now
    TimerQueue::cancel(t->timer);
    t->state = State::Disarmed;
    t->ignored = false;
    t->interval = setting.value_ns ? setting.interval_ns : 0;
    t->overrun_last = 0;
    t->overrun = -1;
    if (!setting.value_ns) {
        update_cpu_flags(*t);
        return old;
    }
    uint64_t now = now_of(*t);
    if (!absolute) {
        t->deadline = add_saturating(now, setting.value_ns);
    } else if (t->kind == ClockKind::RealWall) {
        uint64_t wall = husk_plat_clock_wall();
        t->deadline = setting.value_ns > wall ? add_saturating(now, setting.value_ns - wall) : now;
    } else {
        t->deadline = setting.value_ns;
    }
    if (t->sigev_none())
        t->state = State::Armed; // nothing to send: timer_gettime reads the deadline
    else
        arm(*t);
    update_cpu_flags(*t);
    return old;
}

ErrorOr<PosixTimers::Setting> PosixTimers::get(Process& p, int id)
{
    PosixTimer* t = find(p, id);
    if (!t)
        return err(EINVAL);
    return current_setting(*t);
}

ErrorOr<int> PosixTimers::overrun(Process& p, int id)
{
    PosixTimer* t = find(p, id);
    if (!t)
        return err(EINVAL);
    return overrun_to_int(t->overrun_last);
}

ErrorOr<void> PosixTimers::remove(Process& p, int id)
{
    PosixTimer* t = find(p, id);
    if (!t)
        return err(EINVAL);
    destroy(*t);
    --p.posix_timers()->count;
    update_cpu_flag(p);
    return {};
}

void PosixTimers::remove_all(Process& p)
{
    if (!p.posix_timers())
        return;
    while (PosixTimer* t = p.posix_timers()->timers.first())
        destroy(*t);
    p.posix_timers()->count = 0;
    update_cpu_flag(p);
}

void PosixTimers::release(Process& p)
{
    remove_all(p);
    delete p.posix_timers();
    p.posix_timers() = nullptr;
}

bool PosixTimers::taken(Process& p, int id, siginfo& info)
{
    PosixTimer* t = find(p, id);
    if (!t || t->signal_seq != t->sigqueue_seq)
        return false;
    if (!t->interval || t->state != State::RequeuePending)
        return true;
    // Linux's __posixtimer_deliver_signal: rearm, and the intervals that
    // passed while the signal waited are its overrun.
    t->overrun += int64_t(forward(*t, now_of(*t)));
    t->overrun_last = t->overrun;
    t->overrun = -1;
    ++t->signal_seq;
    arm(*t);
    info.si_uid = uint32_t(overrun_to_int(t->overrun_last)); // si_overrun
    return true;
}

void PosixTimers::signal_ignored(Process& p, int sig)
{
    if (!p.posix_timers())
        return;
    for (PosixTimer& t : p.posix_timers()->timers) {
        if (t.event.signo != sig || t.sigev_none() || t.state != State::RequeuePending)
            continue;
        Thread* target = (t.event.notify & SIGEV_THREAD_ID) ? Signals::find_thread(t.event.tid, &p) : nullptr;
        SignalQueue& queue = target ? target->signals().pending : p.pending_signals();
        if (queue.holds_timer(t.id))
            t.ignored = true; // its queued signal goes; it comes back when unignored
    }
}

void PosixTimers::signal_unignored(Process& p, int sig)
{
    if (!p.posix_timers())
        return;
    for (PosixTimer& t : p.posix_timers()->timers)
        if (t.ignored && t.event.signo == sig)
            send(t);
}

void PosixTimers::check_cpu(Process& p)
{
    if (p.posix_timers()) {
        for (PosixTimer& t : p.posix_timers()->timers) {
            if (t.checked() && !t.foreign() && now_of(t) >= t.deadline) {
                fire(t);
                update_cpu_flags(t);
            }
        }
    }
    for (PosixTimer& t : foreign_timers()) {
        if (t.checked() && t.clock_pid == p.pid() && now_of(t) >= t.deadline) {
            fire(t);
            update_cpu_flags(t);
        }
    }
}

} // namespace husk
