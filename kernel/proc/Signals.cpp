#include "Signals.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "Process.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

ErrorOr<void> SignalActions::set(int sig, const k_sigaction& action)
{
    if (Signals::unblockable().contains(sig))
        return err(EINVAL);
    m_actions[sig - 1] = action;
    return {};
}

void SignalActions::reset_for_exec()
{
    for (auto& action : m_actions) {
        if (action.handler != SIG_IGN)
            action = k_sigaction {};
    }
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

ErrorOr<void> Signals::send_to_current_process(int sig) { return send(sig, false); }
ErrorOr<void> Signals::send_to_current_thread(int sig) { return send(sig, true); }

ErrorOr<void> Signals::send(int sig, bool to_thread)
{
    if (sig != 0 && !is_valid(sig))
        return err(EINVAL);
    if (sig == 0)
        return {}; // the target exists
    Process& p = Process::current();
    ThreadSignals& self = of_current_thread();
    if (self.blocked.contains(sig)) {
        (to_thread ? self.pending : p.pending_signals()).add(sig); // acted on when unblocked
        return {};
    }
    return act_on(p, sig);
}

ErrorOr<void> Signals::change_blocked(int how, SignalSet set)
{
    ThreadSignals& self = of_current_thread();
    switch (how) {
    case SIG_BLOCK:
        self.blocked = (self.blocked | set).without(Signals::unblockable());
        return {};
    case SIG_UNBLOCK:
        self.blocked = self.blocked.without(set);
        return {};
    case SIG_SETMASK:
        self.blocked = set.without(Signals::unblockable());
        return {};
    default:
        return err(EINVAL);
    }
}

void Signals::act_on_pending()
{
    Process& p = Process::current();
    ThreadSignals& self = of_current_thread();
    SignalSet deliverable = (self.pending | p.pending_signals()).without(self.blocked);
    self.pending = self.pending.without(deliverable);
    p.pending_signals() = p.pending_signals().without(deliverable);
    for (int sig = 1; sig <= NSIG && !deliverable.is_empty() && !p.exiting(); ++sig)
        if (deliverable.contains(sig))
            (void)act_on(p, sig);
}

// An unblocked signal's action: its default (end the process, or nothing:
// a lone process has nobody to stop or continue it), nothing when ignored,
// or ENOSYS for a handler (handlers are not run yet).
ErrorOr<void> Signals::act_on(Process& p, int sig)
{
    uint64_t handler = p.signal_actions().get(sig).handler;
    if (handler == SIG_IGN)
        return {};
    if (handler != SIG_DFL) {
        klog(LogLevel::Warning, "%s: signal %d has a handler; running handlers is not supported yet", p.name(), sig);
        return err(ENOSYS);
    }
    SignalDefault action = default_action(sig);
    if (action != SignalDefault::Terminate && action != SignalDefault::Core)
        return {};
    klog(LogLevel::Error, "%s killed by signal %d", p.name(), sig);
    terminate(p, sig);
    return {};
}

void Signals::terminate(Process& process, int sig) { process.exit_by_signal(sig); }

void Signals::send_to_process(Process& process, const linux::siginfo& info)
{
    if (is_valid(info.si_signo))
        (void)act_on(process, info.si_signo);
}

ChildDisposal Signals::child_ended(Process& parent, Process& child)
{
    int sig = child.exit_signal();
    const k_sigaction& action = parent.signal_actions().get(SIGCHLD);
    if (sig == SIGCHLD && (action.handler == SIG_IGN || (action.flags & SA_NOCLDWAIT)))
        return ChildDisposal::Reap; // as Linux: nobody will wait, no zombie
    if (sig && is_valid(sig)) {
        uint64_t handler = parent.signal_actions().get(sig).handler;
        if (handler != SIG_DFL && handler != SIG_IGN)
            klog(LogLevel::Warning, "%s: signal %d (a child ended) has a handler; running handlers is not supported yet",
                 parent.name(), sig);
        else if (handler == SIG_DFL && default_action(sig) != SignalDefault::Ignore)
            terminate(parent, sig);
    }
    return ChildDisposal::Keep;
}

} // namespace husk
