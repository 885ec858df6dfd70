// Signals (signal(7)): what each does by default, a process's dispositions,
// and sending one to the calling process or thread. Handlers are recorded
// but not run yet: a signal that would run one is refused with a warning
// (ENOSYS). Delivery to handlers will build on this.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../abi/SignalSet.h"

namespace husk {

class Process;

enum class SignalDefault { Terminate, Core, Ignore, Stop, Continue };
// What becomes of a child that ended: a zombie its parent reaps with wait,
// or nothing (the parent ignores SIGCHLD or set SA_NOCLDWAIT).
enum class ChildDisposal { Keep, Reap };

// A process's dispositions (rt_sigaction), shared by its threads.
class SignalActions {
public:
    const linux::k_sigaction& get(int sig) const { return m_actions[sig - 1]; }
    // EINVAL for SIGKILL and SIGSTOP, whose action is fixed.
    kstd::ErrorOr<void> set(int sig, const linux::k_sigaction& action);
    // execve(2): caught signals go back to their default; ignored stay.
    void reset_for_exec();

private:
    linux::k_sigaction m_actions[linux::NSIG] {};
};

class Signals {
public:
    static constexpr bool is_valid(int sig) { return sig >= 1 && sig <= linux::NSIG; }
    // SIGKILL and SIGSTOP: never blocked, caught or ignored.
    static constexpr SignalSet unblockable() { return SignalSet::of(linux::SIGKILL) | SignalSet::of(linux::SIGSTOP); }
    // The default action signal(7) lists.
    static SignalDefault default_action(int sig);
    // How crash reports name a fault's signal: "SIGSEGV (segmentation fault)".
    static const char* describe(int sig);

    // The calling thread's blocked and pending sets. A local client is a
    // process of one thread whose calls run on kernel threads that serve
    // other clients too: its sets are its process's.
    static ThreadSignals& of_current_thread();

    // kill(2) of the caller's own process, tkill(2) of the calling thread:
    // EINVAL for a bad number, nothing for 0 (the target exists); a signal
    // the calling thread blocks waits, any other is acted on now.
    static kstd::ErrorOr<void> send_to_current_process(int sig);
    static kstd::ErrorOr<void> send_to_current_thread(int sig);

    // rt_sigprocmask on the calling thread: how is SIG_BLOCK, SIG_UNBLOCK or
    // SIG_SETMASK (else EINVAL); SIGKILL and SIGSTOP are never blocked.
    static kstd::ErrorOr<void> change_blocked(int how, SignalSet set);
    // Acts on the pending signals the calling thread no longer blocks, as
    // Linux does on its way back to user space.
    static void act_on_pending();

    // A signal to a process from outside it (the host's stop, a child's
    // end): acted on as kill(2) would.
    static void send_to_process(Process& process, const linux::siginfo& info);
    // Ends the process as a fatal signal does: exit status 128 + sig.
    static void terminate(Process& process, int sig);
    // A child of parent ended: sends parent the child's exit signal, and
    // says whether the child stays for wait or goes now.
    static ChildDisposal child_ended(Process& parent, Process& child);

private:
    static kstd::ErrorOr<void> send(int sig, bool to_thread);
    static kstd::ErrorOr<void> act_on(Process& process, int sig);
};

} // namespace husk
