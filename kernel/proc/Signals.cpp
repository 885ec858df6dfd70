#include "Signals.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../core/WaitQueue.h"
#include "AltStack.h"
#include "PosixTimers.h"
#include "Process.h"
#include "SignalFd.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
using ProcessList = kstd::IntrusiveList<ProcessSignals, &ProcessSignals::all_node>;
ProcessList& with_threads()
{
    static ProcessList list;
    return list;
}

// The sigaction flags Linux keeps (UAPI_SA_FLAGS: the rest read back as 0).
constexpr uint64_t kKnownFlags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER
                                 | SA_RESETHAND | SA_RESTORER | 0x800 /* SA_EXPOSE_TAGBITS */;
constexpr SignalSet kStopSignals = SignalSet::of(SIGSTOP) | SignalSet::of(SIGTSTP) | SignalSet::of(SIGTTIN)
                                   | SignalSet::of(SIGTTOU);
} // namespace

ErrorOr<void> SignalActions::set(int sig, const k_sigaction& action)
{
    if (Signals::unblockable().contains(sig))
        return err(EINVAL);
    k_sigaction& a = m_actions[sig - 1];
    a = action;
    a.flags &= kKnownFlags;
    a.mask = SignalSet::from_bits(a.mask).without(Signals::unblockable()).bits();
    return {};
}

void SignalActions::reset_handlers()
{
    for (auto& a : m_actions) {
        if (a.handler != SIG_IGN)
            a = {};
        a.flags = 0;
        a.mask = 0;
        a.restorer = 0;
    }
}

ProcessSignals::~ProcessSignals()
{
    TimerQueue::cancel(real_timer);
    ProcessList::remove(*this);
}

SignalDefault Signals::default_action(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return SignalDefault::Core;
    case SIGCHLD: case SIGURG: case SIGWINCH:
        return SignalDefault::Ignore;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SignalDefault::Stop;
    case SIGCONT:
        return SignalDefault::Continue;
    default:
        return SignalDefault::Terminate; // the rest, real-time signals included
    }
}

const char* Signals::describe(int sig)
{
    switch (sig) {
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGTRAP: return "SIGTRAP (breakpoint)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic exception)";
    case SIGSEGV: return "SIGSEGV (segmentation fault)";
    default: return "a fatal signal";
    }
}

ThreadSignals& Signals::of_current_thread()
{
    Thread* t = Scheduler::current();
    return t->user_regs() ? t->signals() : Process::current().client_signals();
}

// ---- Sending ----

siginfo Signals::from_current(int sig, int code)
{
    siginfo info {};
    info.si_signo = sig;
    info.si_code = code;
    Process& self = Process::current();
    info.si_pid = int32_t(self.pid());
    info.si_uid = self.credentials().uid;
    return info;
}

ErrorOr<void> Signals::send_to_process(Process& process, const siginfo& info) { return send(process, nullptr, info); }

ErrorOr<void> Signals::send_to_thread(Thread& thread, const siginfo& info)
{
    if (!thread.process())
        return err(ESRCH);
    return send(*thread.process(), &thread, info);
}

ErrorOr<void> Signals::send_to_current_process(int sig)
{
    if (sig != 0 && !is_valid(sig))
        return err(EINVAL);
    if (sig == 0)
        return {}; // the target exists
    return send_to_process(Process::current(), from_current(sig, SI_USER));
}

ErrorOr<void> Signals::send_to_current_thread(int sig)
{
    if (sig != 0 && !is_valid(sig))
        return err(EINVAL);
    if (sig == 0)
        return {};
    Thread* self = Scheduler::current();
    siginfo info = from_current(sig, SI_TKILL);
    if (!self->user_regs())
        return send_to_client(Process::current(), info);
    return send_to_thread(*self, info);
}

Thread* Signals::find_thread(uint32_t tid, Process* process)
{
    auto search = [&](ProcessSignals& ps) -> Thread* {
        for (Thread& t : ps.threads)
            if (t.tid() == tid)
                return &t;
        return nullptr;
    };
    if (process)
        return search(process->signals());
    for (ProcessSignals& ps : with_threads())
        if (Thread* t = search(ps))
            return t;
    return nullptr;
}

// kill(2) with pid <= 0. TO FILL IN WITH PROCESS GROUPS (fork): pid 0 is
// the caller's group, -pgrp that group, -1 every process the caller may
// signal (may_signal) but init and itself; EPERM only when none could be
// signalled, ESRCH when the group is empty (Linux's kill_something_info).
// Until then the caller's group is the caller alone and -1 reaches nobody.
ErrorOr<void> Signals::send_to_group(int pid, const siginfo& info)
{
    // Linux's kill_pgrp / kill(-1): ESRCH when nobody is there, EPERM when
    // every target refused, success when one got it.
    Process& self = Process::current();
    bool all = pid == -1;
    uint32_t group = pid == 0 ? self.pgid() : uint32_t(-int64_t(pid));
    bool found = false, sent = false;
    kstd::Error last = err(ESRCH);
    Process::for_each([&](Process& p) {
        if (all ? (&p == &self || &p == Process::init()) : p.pgid() != group)
            return;
        found = true;
        if (!may_signal(p)) {
            last = err(EPERM);
            return;
        }
        auto r = info.si_signo ? send_to_process(p, info) : ErrorOr<void>();
        if (r.is_error())
            last = r.error();
        else
            sent = true;
    });
    if (sent)
        return {};
    return found ? last : err(ESRCH);
}

bool Signals::may_signal(const Process& target)
{
    const Credentials& me = Process::current().credentials();
    auto& them = const_cast<Process&>(target).credentials();
    return me.capable(Capability::Kill) || me.euid == them.uid || me.uid == them.uid || me.euid == them.suid
           || me.uid == them.suid;
}

bool Signals::is_ignored(const Process& process, int sig)
{
    uint64_t handler = const_cast<Process&>(process).signal_actions().get(sig).handler;
    if (handler == SIG_IGN)
        return true;
    if (handler != SIG_DFL)
        return false;
    SignalDefault d = default_action(sig);
    return d == SignalDefault::Ignore || d == SignalDefault::Continue;
}

ErrorOr<void> Signals::send_for_timer(Process& process, Thread* target, const siginfo& info, int timer)
{
    return send(process, target, info, timer);
}

bool Signals::discards(Process& p, Thread* target, int sig)
{
    ProcessSignals& ps = p.signals();
    const ThreadSignals& ts = target               ? target->signals()
                              : ps.threads.is_empty() ? ps.client
                                                      : ps.threads.first()->signals();
    return !(ts.blocked | ts.real_blocked).contains(sig) && is_ignored(p, sig);
}

ErrorOr<void> Signals::send(Process& p, Thread* target, const siginfo& info, int timer)
{
    int sig = info.si_signo;
    if (!is_valid(sig))
        return err(EINVAL);
    if (p.exiting())
        return {};
    ProcessSignals& ps = p.signals();
    if (ps.threads.is_empty())
        return send_to_client(p, info);
    // A stop signal cancels a pending SIGCONT and the other way round;
    // SIGCONT continues a stopped process now (Linux's prepare_signal).
    if (kStopSignals.contains(sig) || sig == SIGCONT) {
        SignalSet drop = sig == SIGCONT ? kStopSignals : SignalSet::of(SIGCONT);
        ps.pending.discard(drop);
        for (Thread& t : ps.threads)
            t.signals().pending.discard(drop);
        if (sig == SIGCONT && ps.stopped)
            resume(p);
    }
    // Ignored signals are discarded now, unless blocked (the handler may
    // change before they are unblocked). A process-directed signal asks
    // its main thread, as Linux asks the thread group leader.
    if (discards(p, target, sig))
        return {};
    SignalQueue& queue = target ? target->signals().pending : ps.pending;
    switch (queue.add(info, timer)) {
    case SignalQueue::Added::Full:
        return err(EAGAIN);
    case SignalQueue::Added::AlreadyPending:
        return {}; // a standard signal is pending once
    case SignalQueue::Added::Queued:
        break;
    }
    SignalFd::signal_queued();
    complete(p, target, sig);
    return {};
}

// Linux's complete_signal: find a thread to act on it and wake it; a
// signal that will kill takes the whole process down now.
void Signals::complete(Process& p, Thread* target, int sig)
{
    Thread* chosen = nullptr;
    if (target) {
        if (!target->signals().blocked.contains(sig))
            chosen = target;
    } else {
        for (Thread& t : p.signals().threads) {
            if (!t.signals().blocked.contains(sig) && !t.exit_requested()) {
                chosen = &t;
                break;
            }
        }
    }
    if (!chosen)
        return; // it waits until a thread unblocks it
    if (p.signals().stopped && sig != SIGKILL)
        return; // a stopped process takes nothing but SIGKILL until SIGCONT (Linux's wants_signal)
    const k_sigaction& action = p.signal_actions().get(sig);
    SignalDefault d = default_action(sig);
    // (Not while the thread awaits it in sigtimedwait: it takes it.)
    bool awaited = chosen->signals().real_blocked.contains(sig);
    if (sig == SIGKILL || (action.handler == SIG_DFL && d == SignalDefault::Terminate && !awaited)) {
        klog(LogLevel::Error, "%s killed by signal %d", p.name(), sig);
        terminate(p, sig);
        return;
    }
    wake(*chosen);
}

void Signals::wake(Thread& t)
{
    recalc(t);
    if (t.signal_pending()) {
        WaitQueue::interrupt(t);
        Scheduler::nudge(t); // running its program on another CPU
    }
}

void Signals::recalc(Thread& t)
{
    Process* p = t.process();
    if (!p || !t.user_regs()) {
        t.set_signal_pending(false); // local clients never leave a call for a signal
        return;
    }
    const ThreadSignals& ts = t.signals();
    bool pending = p->exiting() || p->signals().stopped
                   || !(ts.pending.set() | p->signals().pending.set()).without(ts.blocked).is_empty();
    t.set_signal_pending(pending);
}

ChildDisposal Signals::child_ended(Process& parent, Process& child)
{
    constexpr int kCldExited = 1, kCldKilled = 2;
    int sig = child.exit_signal();
    const k_sigaction& action = parent.signal_actions().get(SIGCHLD);
    // As Linux: nobody will wait, so no zombie (the signal, if caught, still comes).
    bool reap = sig == SIGCHLD && (action.handler == SIG_IGN || (action.flags & SA_NOCLDWAIT));
    if (sig && is_valid(sig)) {
        int status = child.wait_status();
        bool killed = (status & 0x7f) != 0;
        siginfo info {};
        info.si_signo = sig;
        info.si_code = killed ? kCldKilled : kCldExited;
        info.si_pid = int32_t(child.pid());
        info.si_uid = child.credentials().uid;
        info.si_status = killed ? (status & 0x7f) : ((status >> 8) & 0xff);
        // Its CPU time and its reaped children's, in clock ticks.
        Usage used = child.usage();
        used += child.children_usage();
        info.si_utime = int64_t(used.user_ns / (1000000000 / USER_HZ));
        info.si_stime = int64_t(used.system_ns / (1000000000 / USER_HZ));
        (void)send_to_process(parent, info);
    }
    return reap ? ChildDisposal::Reap : ChildDisposal::Keep;
}

void Signals::terminate(Process& process, int sig)
{
    process.exit_by_signal(sig);
    process.signals().resumed.wake_all();
    for (Thread& t : process.signals().threads)
        wake(t);
}

namespace {
Signals::StopListener g_stop_listener;

// SIGCHLD to the parent of a process that stopped or continued, unless the
// parent asked SA_NOCLDSTOP (Linux's do_notify_parent_cldstop).
void notify_parent(Process& child, int code, int status)
{
    if (g_stop_listener)
        g_stop_listener(child);
    Process* parent = child.ppid() ? Process::find(child.ppid()) : nullptr;
    if (!parent || (parent->signal_actions().get(SIGCHLD).flags & SA_NOCLDSTOP))
        return;
    siginfo info {};
    info.si_signo = SIGCHLD;
    info.si_code = code;
    info.si_pid = int32_t(child.pid());
    info.si_uid = child.credentials().uid;
    info.si_status = status;
    (void)Signals::send_to_process(*parent, info);
}
} // namespace

void Signals::set_stop_listener(StopListener listener) { g_stop_listener = listener; }

void Signals::stop(Process& p, int sig)
{
    ProcessSignals& ps = p.signals();
    if (ps.stopped || p.exiting())
        return;
    ps.stopped = true;
    ps.stop_signal = sig;
    ps.stop_changed = ProcessSignals::StopEvent::Stopped;
    for (Thread& t : ps.threads)
        wake(t); // out of their waits and programs, to wait for SIGCONT
    notify_parent(p, CLD_STOPPED, sig);
}

void Signals::resume(Process& p)
{
    ProcessSignals& ps = p.signals();
    if (!ps.stopped)
        return;
    ps.stopped = false;
    ps.stop_changed = ProcessSignals::StopEvent::Continued;
    ps.resumed.wake_all();
    for (Thread& t : ps.threads)
        recalc(t);
    notify_parent(p, CLD_CONTINUED, SIGCONT);
}

// A local client: no handlers can run for it (its calls come from another
// process's code), so a signal acts now unless it blocks it.
ErrorOr<void> Signals::send_to_client(Process& p, const siginfo& info)
{
    int sig = info.si_signo;
    if (p.client_signals().blocked.contains(sig)) {
        (void)p.pending_signals().add(info); // acted on when unblocked
        return {};
    }
    return act_on_client(p, sig);
}

ErrorOr<void> Signals::act_on_client(Process& p, int sig)
{
    uint64_t handler = p.signal_actions().get(sig).handler;
    if (handler == SIG_IGN)
        return {};
    if (handler != SIG_DFL) {
        klog(LogLevel::Warning, "%s: signal %d has a handler, which a client's calls cannot run", p.name(), sig);
        return err(ENOSYS);
    }
    SignalDefault action = default_action(sig);
    if (action != SignalDefault::Terminate && action != SignalDefault::Core)
        return {};
    klog(LogLevel::Error, "%s killed by signal %d", p.name(), sig);
    terminate(p, sig);
    return {};
}

void Signals::act_on_pending()
{
    Thread* self = Scheduler::current();
    if (self->user_regs()) {
        recalc(*self); // delivered on the way back to the program
        return;
    }
    Process& p = Process::current();
    ThreadSignals& client = p.client_signals();
    SignalSet deliverable = p.pending_signals().set().without(client.blocked);
    p.pending_signals().discard(deliverable);
    for (int sig = 1; sig <= NSIG && !deliverable.is_empty() && !p.exiting(); ++sig)
        if (deliverable.contains(sig))
            (void)act_on_client(p, sig);
}

// ---- The calling thread ----

void Signals::set_blocked(SignalSet set)
{
    Thread* self = Scheduler::current();
    ThreadSignals& ts = of_current_thread();
    SignalSet newly = set.without(unblockable()).without(ts.blocked);
    ts.blocked = set.without(unblockable());
    if (!self->user_regs())
        return;
    recalc(*self);
    // Process-directed signals this thread no longer takes go to another
    // (Linux's retarget_shared_pending).
    Process& p = Process::current();
    SignalSet retarget = p.pending_signals().set() & newly;
    for (int sig = retarget.lowest(); sig; retarget.remove(sig), sig = retarget.lowest())
        complete(p, nullptr, sig);
}

ErrorOr<void> Signals::change_blocked(int how, SignalSet set)
{
    ThreadSignals& self = of_current_thread();
    switch (how) {
    case SIG_BLOCK:
        set_blocked(self.blocked | set);
        return {};
    case SIG_UNBLOCK:
        set_blocked(self.blocked.without(set));
        return {};
    case SIG_SETMASK:
        set_blocked(set);
        return {};
    default:
        return err(EINVAL);
    }
}

ErrorOr<void> Signals::change_action(int sig, const k_sigaction* action, k_sigaction* old)
{
    if (!is_valid(sig))
        return err(EINVAL);
    Process& p = Process::current();
    if (old)
        *old = p.signal_actions().get(sig);
    if (!action)
        return {};
    TRY(p.signal_actions().set(sig, *action));
    if (!is_ignored(p, sig)) {
        PosixTimers::signal_unignored(p, sig);
    } else {
        // Linux discards what waits of a signal that is now ignored (a
        // periodic timer's waits for the signal to be taken again).
        PosixTimers::signal_ignored(p, sig);
        SignalSet drop = SignalSet::of(sig);
        p.pending_signals().discard(drop);
        for (Thread& t : p.signals().threads) {
            t.signals().pending.discard(drop);
            recalc(t);
        }
    }
    return {};
}

SignalSet Signals::pending_blocked()
{
    ThreadSignals& ts = of_current_thread();
    return (ts.pending.set() | Process::current().pending_signals().set()) & ts.blocked;
}

using altstack::altstack_state;
using altstack::on_altstack;

ErrorOr<void> Signals::change_altstack(const stack_t* ss, stack_t* old, uint64_t sp)
{
    ThreadSignals& ts = of_current_thread();
    if (old) {
        *old = {};
        old->ss_sp = ts.altstack_sp;
        old->ss_size = ts.altstack_size;
        old->ss_flags = int32_t(uint32_t(altstack_state(ts, sp)) | (ts.altstack_flags & SS_AUTODISARM));
    }
    if (!ss)
        return {};
    if (on_altstack(ts, sp))
        return err(EPERM);
    uint32_t flags = uint32_t(ss->ss_flags);
    uint32_t mode = flags & ~SS_AUTODISARM;
    if (mode != uint32_t(SS_DISABLE) && mode != uint32_t(SS_ONSTACK) && mode != 0)
        return err(EINVAL);
    if (ts.altstack_sp == ss->ss_sp && ts.altstack_size == ss->ss_size && ts.altstack_flags == flags)
        return {};
    uint64_t base = ss->ss_sp, size = ss->ss_size;
    if (mode == uint32_t(SS_DISABLE)) {
        base = 0;
        size = 0;
    } else if (size < MINSIGSTKSZ) {
        return err(ENOMEM);
    }
    ts.altstack_sp = base;
    ts.altstack_size = size;
    ts.altstack_flags = flags;
    return {};
}

kstd::Error Signals::pause()
{
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS); // a local client cannot wait for a signal it cannot take
    WaitQueue nobody_wakes;
    while (nobody_wakes.wait_interruptible() != WaitQueue::Result::Interrupted) {
    }
    return err(ERESTARTNOHAND);
}

kstd::Error Signals::suspend(SignalSet blocked)
{
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS);
    ThreadSignals& ts = self->signals();
    ts.saved_blocked = ts.blocked;
    set_blocked(blocked);
    WaitQueue nobody_wakes;
    while (nobody_wakes.wait_interruptible() != WaitQueue::Result::Interrupted) {
    }
    ts.restore_blocked = true; // the handler's frame keeps the old mask
    return err(ERESTARTNOHAND);
}

Signals::TemporaryMask::TemporaryMask(const SignalSet* blocked)
{
    Thread* self = Scheduler::current();
    if (!blocked || !self->user_regs())
        return;
    ThreadSignals& ts = self->signals();
    ts.saved_blocked = ts.blocked;
    set_blocked(*blocked);
    m_active = true;
}

void Signals::TemporaryMask::done(bool interrupted)
{
    if (!m_active)
        return;
    m_active = false;
    ThreadSignals& ts = Scheduler::current()->signals();
    if (interrupted)
        ts.restore_blocked = true;
    else
        set_blocked(ts.saved_blocked);
}

ErrorOr<int> Signals::wait_for(SignalSet which, uint64_t deadline, siginfo& info)
{
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS);
    which = which.without(unblockable());
    ThreadSignals& ts = self->signals();
    if (int sig = dequeue(*self, which, info))
        return sig;
    if (deadline == 0)
        return err(EAGAIN);
    // The awaited signals interrupt the wait even when blocked; they still
    // count as blocked for the ignore-at-send rule (Linux's real_blocked).
    ts.real_blocked = ts.blocked;
    ts.blocked = ts.blocked.without(which);
    recalc(*self);
    WaitQueue nobody_wakes;
    auto result = nobody_wakes.wait_interruptible(deadline);
    ts.blocked = ts.real_blocked;
    ts.real_blocked = {};
    recalc(*self);
    if (int sig = dequeue(*self, which, info))
        return sig;
    return err(result == WaitQueue::Result::Interrupted ? EINTR : EAGAIN);
}

bool Signals::take(SignalSet which, siginfo& info)
{
    Thread* self = Scheduler::current();
    return self->user_regs() && dequeue(*self, which, info) != 0;
}

bool Signals::waiting(SignalSet which)
{
    Thread* self = Scheduler::current();
    SignalSet pending = Process::current().pending_signals().set();
    if (self->user_regs())
        pending = pending | self->signals().pending.set();
    return !(pending & which).is_empty();
}

int Signals::dequeue(Thread& t, SignalSet allowed, siginfo& info)
{
    constexpr SignalSet kSynchronous = SignalSet::of(SIGSEGV) | SignalSet::of(SIGBUS) | SignalSet::of(SIGILL)
                                       | SignalSet::of(SIGTRAP) | SignalSet::of(SIGFPE) | SignalSet::of(SIGSYS);
    ThreadSignals& ts = t.signals();
    SignalQueue& shared = t.process()->pending_signals();
    auto next = [&](SignalSet pending) {
        SignalSet take = pending & allowed;
        // Faults first (Linux dequeues synchronous signals before others).
        if (!(take & kSynchronous).is_empty())
            take = take & kSynchronous;
        return take.lowest();
    };
    for (;;) {
        int timer = -1;
        int sig = next(ts.pending.set());
        if (sig) {
            ts.pending.take(sig, info, &timer);
        } else if ((sig = next(shared.set()))) {
            shared.take(sig, info, &timer);
        }
        // A deleted or re-set timer's signal is dropped (Linux 6.13+).
        if (sig && timer >= 0 && !PosixTimers::taken(*t.process(), timer, info))
            continue;
        recalc(t);
        return sig;
    }
}

// ---- Timers ----

namespace {
void on_real_timer(void* arg)
{
    auto* p = static_cast<Process*>(arg);
    ProcessSignals& ps = p->signals();
    if (ps.real_interval)
        TimerQueue::arm(ps.real_timer, husk_plat_clock_monotonic() + ps.real_interval);
    siginfo info {};
    info.si_signo = SIGALRM;
    info.si_code = SI_KERNEL;
    (void)Signals::send_to_process(*p, info);
}
} // namespace

Signals::TimerValue Signals::real_timer(Process& process)
{
    ProcessSignals& ps = process.signals();
    if (!ps.real_timer.is_armed())
        return { 0, ps.real_interval };
    uint64_t now = husk_plat_clock_monotonic();
    uint64_t left = ps.real_timer.deadline > now ? ps.real_timer.deadline - now : 1000; // Linux: at least 1 µs
    return { left, ps.real_interval };
}

Signals::TimerValue Signals::set_real_timer(Process& process, TimerValue value)
{
    TimerValue old = real_timer(process);
    ProcessSignals& ps = process.signals();
    TimerQueue::cancel(ps.real_timer);
    ps.real_interval = value.value_ns ? value.interval_ns : 0;
    if (value.value_ns) {
        ps.real_timer.callback = on_real_timer;
        ps.real_timer.arg = &process;
        uint64_t now = husk_plat_clock_monotonic();
        TimerQueue::arm(ps.real_timer, value.value_ns > UINT64_MAX - now ? UINT64_MAX : now + value.value_ns);
    }
    return old;
}

// ---- Lifecycle ----

void Signals::thread_started(Process& process, Thread& thread)
{
    ProcessSignals& ps = process.signals();
    if (ps.threads.is_empty()) {
        ps.owner = &process;
        if (!ps.all_node.is_linked())
            with_threads().append(ps);
    }
    ps.threads.append(thread);
}

void Signals::thread_ended(Process& process, Thread& thread)
{
    ProcessSignals& ps = process.signals();
    decltype(ps.threads)::remove(thread);
    thread.signals().pending.clear();
    thread.set_signal_pending(false);
    if (ps.threads.is_empty())
        ProcessList::remove(ps);
}

void Signals::inherit(const Process& parent, Process& child)
{
    child.signal_actions() = const_cast<Process&>(parent).signal_actions();
}

void Signals::inherit_thread(const Thread& parent, Thread& child)
{
    const ThreadSignals& from = const_cast<Thread&>(parent).signals();
    ThreadSignals& to = child.signals();
    to.blocked = from.blocked;
    to.altstack_sp = from.altstack_sp;
    to.altstack_size = from.altstack_size;
    to.altstack_flags = from.altstack_flags;
}

void Signals::exec(Process& process, Thread& thread)
{
    process.signal_actions().reset_handlers();
    PosixTimers::remove_all(process);
    ThreadSignals& ts = thread.signals();
    ts.altstack_sp = ts.altstack_size = 0;
    ts.altstack_flags = SS_DISABLE;
}

} // namespace husk
