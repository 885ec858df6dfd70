// Signals (signal(7)): what each does by default, a process's dispositions,
// sending one to a process or a thread, and delivering it on the thread's
// way back to its program (SignalDelivery.cpp: handlers run on Linux's
// x86-64 signal frame, which include/husk/arch lays out). Linux's rules:
// standard signals coalesce, real-time ones queue with their values; an
// ignored signal is discarded when sent unless blocked; a process-directed
// signal goes to a thread that does not block it; a fatal default ends the
// process with status 128 + signal.
#pragma once

#include <husk/platform.h>
#include "../abi/Linux.h"
#include "../abi/SignalSet.h"
#include "../core/Thread.h"
#include "../core/Timer.h"
#include "../core/WaitQueue.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/IntrusiveList.h"

namespace husk {

class Process;

enum class SignalDefault { Terminate, Core, Ignore, Stop, Continue };

// A process's dispositions (rt_sigaction), shared by its threads.
class SignalActions {
public:
    const linux::k_sigaction& get(int sig) const { return m_actions[sig - 1]; }
    // EINVAL for SIGKILL and SIGSTOP, whose action is fixed. Keeps the
    // flags Linux knows and never blocks SIGKILL or SIGSTOP in sa_mask.
    kstd::ErrorOr<void> set(int sig, const linux::k_sigaction& action);
    // Back to SIG_DFL (SA_RESETHAND, a fault that must kill).
    void reset(int sig) { m_actions[sig - 1].handler = linux::SIG_DFL; }
    // execve: handlers become SIG_DFL, ignored signals stay ignored.
    void reset_handlers();

private:
    linux::k_sigaction m_actions[linux::NSIG] {};
};

// What a process keeps of signals: dispositions, the signals sent to it
// that no thread took yet, its program threads, its ITIMER_REAL.
struct ProcessSignals {
    ProcessSignals() = default;
    ProcessSignals(const ProcessSignals&) = delete;
    ~ProcessSignals();

    SignalActions actions;
    SignalQueue pending;
    // A local client's own thread state: its calls run on kernel threads
    // shared with other clients.
    ThreadSignals client;
    kstd::IntrusiveList<Thread, &Thread::process_node> threads; // first: the main thread
    // setitimer(ITIMER_REAL), alarm: SIGALRM at the deadline, then every
    // interval (0: once).
    Timer real_timer;
    uint64_t real_interval { 0 };
    // Job control: stopped by a stop signal's default action (its threads
    // wait on `resumed` on their way back to the program) until SIGCONT or
    // SIGKILL. `stop_changed` is what wait4's WUNTRACED or WCONTINUED has
    // yet to report (StopEvent), with the stop signal.
    bool stopped { false };
    int stop_signal { 0 };
    enum class StopEvent { None, Stopped, Continued } stop_changed { StopEvent::None };
    WaitQueue resumed;
    Process* owner { nullptr };
    kstd::ListNode all_node; // processes with program threads
};

// What becomes of a child that ended: a zombie its parent reaps with wait,
// or nothing (the parent ignores SIGCHLD or set SA_NOCLDWAIT).
enum class ChildDisposal { Keep, Reap };

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

    // ---- Sending ----
    // A process-directed signal (kill, sigqueue, SIGALRM, SIGCHLD): queued
    // to the process and acted on by a thread that does not block it (its
    // main thread first), which is woken. EAGAIN when a real-time signal
    // finds its queue full. Nothing for a process that is ending.
    static kstd::ErrorOr<void> send_to_process(Process& process, const linux::siginfo& info);
    // A thread-directed signal (tkill, tgkill, faults, SIGPIPE).
    static kstd::ErrorOr<void> send_to_thread(Thread& thread, const linux::siginfo& info);
    // The siginfo of kill (SI_USER) or tkill (SI_TKILL) from the caller.
    static linux::siginfo from_current(int sig, int code);
    // kill(2) of the caller's own process, tkill(2) of the calling thread
    // (SIGPIPE): EINVAL for a bad number, nothing for 0.
    static kstd::ErrorOr<void> send_to_current_process(int sig);
    static kstd::ErrorOr<void> send_to_current_thread(int sig);
    // A POSIX timer's signal (PosixTimers): to the process, or to target;
    // the queue remembers the timer, which hears when it is taken.
    static kstd::ErrorOr<void> send_for_timer(Process& process, Thread* target, const linux::siginfo& info, int timer);
    // Whether sending sig (to target, or to the process) would discard it:
    // ignored and not blocked.
    static bool discards(Process& process, Thread* target, int sig);
    // The program thread with this id, or nullptr; in `process` when given.
    static Thread* find_thread(uint32_t tid, Process* process = nullptr);
    // kill(2)'s process-group targets: pid 0 (the caller's group), -1
    // (every process it may signal but init and itself) and -pgrp.
    // Process groups come with fork: until then only the caller's own
    // process is in its group and no other process can be reached.
    static kstd::ErrorOr<void> send_to_group(int pid, const linux::siginfo& info);
    // Whether the caller may signal `target` (kill(2)'s EPERM rule).
    static bool may_signal(const Process& target);

    // ---- The calling thread ----
    // rt_sigprocmask: how is SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK (else
    // EINVAL); SIGKILL and SIGSTOP are never blocked.
    static kstd::ErrorOr<void> change_blocked(int how, SignalSet set);
    static void set_blocked(SignalSet set);
    // A local client acts at once on the pending signals it no longer
    // blocks (program threads do on their way back to user space).
    static void act_on_pending();
    // rt_sigaction: the old action into *old (when given), then the new one
    // (when given); making a signal ignored discards it where it waits.
    static kstd::ErrorOr<void> change_action(int sig, const linux::k_sigaction* action, linux::k_sigaction* old);
    // rt_sigpending: those waiting for the caller that it blocks.
    static SignalSet pending_blocked();
    // sigaltstack on the calling thread, whose stack pointer is sp: EPERM
    // while on the alternate stack, EINVAL for bad flags, ENOMEM when
    // smaller than MINSIGSTKSZ.
    static kstd::ErrorOr<void> change_altstack(const linux::stack_t* ss, linux::stack_t* old, uint64_t sp);
    // rt_sigsuspend, pause: wait for a signal with `blocked` in effect
    // (the old mask comes back after the handler). ERESTARTNOHAND.
    static kstd::Error suspend(SignalSet blocked);
    static kstd::Error pause();
    // ppoll, pselect6, epoll_pwait: `blocked` in effect during a wait;
    // done() puts the old mask back, unless the wait was interrupted
    // (then after the handler, as Linux does).
    class TemporaryMask {
    public:
        explicit TemporaryMask(const SignalSet* blocked);
        void done(bool interrupted);
        ~TemporaryMask() { done(false); }

    private:
        bool m_active { false };
    };
    // rt_sigtimedwait: takes a signal of `which` (into info), waiting up
    // to deadline (UINT64_MAX: forever; 0: not at all): the signal,
    // EAGAIN at the deadline, EINTR for another signal.
    static kstd::ErrorOr<int> wait_for(SignalSet which, uint64_t deadline, linux::siginfo& info);
    // signalfd: takes a signal of `which` waiting for the calling program
    // thread (false if none), and whether one waits.
    static bool take(SignalSet which, linux::siginfo& info);
    static bool waiting(SignalSet which);

    // ---- Timers ----
    // setitimer(ITIMER_REAL): arms SIGALRM in value ns (0: disarms), then
    // every interval ns; the previous value and interval come back.
    struct TimerValue {
        uint64_t value_ns, interval_ns;
    };
    static TimerValue set_real_timer(Process& process, TimerValue value);
    static TimerValue real_timer(Process& process);

    // ---- Delivery (SignalDelivery.cpp) ----
    // Before the thread returns to its program: acts on the signals it may
    // take (a handler's frame, a default action) and restarts or ends the
    // system call a signal interrupted.
    static void deliver(Thread& thread, husk_user_regs& regs);
    // rt_sigreturn: the registers, mask, FPU state and alternate stack of
    // the frame at the stack pointer; a bad frame raises SIGSEGV. The
    // value for the call's result register (the restored one).
    static long sigreturn(Thread& thread);
    // A CPU fault's signal for the faulting thread: true when it goes to a
    // handler (queued; delivered before the program resumes), false when
    // it must end the process (no handler, or blocked or ignored: Linux
    // forces the default then).
    static bool fault(Thread& thread, const linux::siginfo& info);

    // ---- Lifecycle ----
    // A program thread starts or ends (it leaves its pending signals).
    static void thread_started(Process& process, Thread& thread);
    static void thread_ended(Process& process, Thread& thread);
    // fork: the child's dispositions and its thread's mask and alternate
    // stack are the parent's; nothing pending, no timers.
    static void inherit(const Process& parent, Process& child);
    static void inherit_thread(const Thread& parent, Thread& child);
    // execve: handlers back to SIG_DFL (ignored stay ignored), no
    // alternate stack, POSIX timers deleted; the mask, pending signals and
    // interval timers stay.
    static void exec(Process& process, Thread& thread);

    // A child of parent ended: sends parent the child's exit signal
    // (CLD_EXITED or CLD_KILLED), and says whether the child stays for
    // wait or goes now.
    static ChildDisposal child_ended(Process& parent, Process& child);
    // Ends the process as a fatal signal does (exit status 128 + sig) and
    // wakes its threads out of interruptible waits so they end too.
    static void terminate(Process& process, int sig);
    // Job control: a stop signal's default action stops the process, and
    // SIGCONT continues it (as soon as it is sent, even blocked or
    // ignored). The parent gets SIGCHLD (CLD_STOPPED, CLD_CONTINUED)
    // unless it asked SA_NOCLDSTOP; the listener (wait4's, set by whoever
    // implements waiting) hears of each change.
    using StopListener = void (*)(Process& process);
    static void set_stop_listener(StopListener listener);
    static void stop(Process& process, int sig);
    static void resume(Process& process);
    // Keeps thread.signal_pending() true exactly when it has something to
    // act on (a signal it does not block, or its process ending).
    static void recalc(Thread& thread);

private:
    static kstd::ErrorOr<void> send(Process& process, Thread* thread, const linux::siginfo& info, int timer = -1);
    static kstd::ErrorOr<void> send_to_client(Process& process, const linux::siginfo& info);
    static void complete(Process& process, Thread* thread, int sig);
    static bool is_ignored(const Process& process, int sig);
    static void wake(Thread& thread);
    // Takes the next signal thread may act on (faults first, then its
    // own, then its process's; lowest number first) out of `allowed`.
    static int dequeue(Thread& thread, SignalSet allowed, linux::siginfo& info);
    static ErrorOr<void> act_on_client(Process& process, int sig);
};

} // namespace husk
