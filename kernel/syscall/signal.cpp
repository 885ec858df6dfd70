// Signals (kernel/proc/Signals.h): dispositions, masks, the alternate
// stack, sending (kill, tkill, tgkill, sigqueue), waiting (pause,
// sigsuspend, sigtimedwait), returning from a handler, and the timers
// that raise SIGALRM (alarm, setitimer).
#include "../core/Scheduler.h"
#include "../proc/SignalFd.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr size_t kSigsetSize = sizeof(uint64_t);
constexpr uint64_t kNsPerUs = 1000, kNsPerSecond = 1000000000;

ErrorOr<SignalSet> copy_in_set(UserPtr<const uint64_t> set) { return SignalSet::from_bits(TRY(copy_in(set))); }

ErrorOr<Process*> process_to_signal(int pid, int sig)
{
    Process* p = Process::find(uint32_t(pid));
    if (!p)
        return err(ESRCH);
    if (sig != 0 && !Signals::is_valid(sig))
        return err(EINVAL);
    if (!Signals::may_signal(*p))
        return err(EPERM);
    return p;
}

// tkill, tgkill, rt_tgsigqueueinfo (Linux's do_send_specific): tgid 0
// matches any process. A local client names the kernel thread its call
// runs on.
SysResult send_specific(int tgid, int tid, const siginfo& info)
{
    int sig = info.si_signo;
    Thread* self = Scheduler::current();
    if (!self->user_regs() && uint32_t(tid) == self->tid() && (tgid == 0 || uint32_t(tgid) == Process::current().pid())) {
        TRY(Signals::send_to_current_thread(sig));
        return 0;
    }
    Process* in = tgid ? Process::find(uint32_t(tgid)) : nullptr;
    if (tgid && !in)
        return err(ESRCH);
    Thread* t = Signals::find_thread(uint32_t(tid), in);
    if (!t || !t->process())
        return err(ESRCH);
    if (sig != 0 && !Signals::is_valid(sig))
        return err(EINVAL);
    if (!Signals::may_signal(*t->process()))
        return err(EPERM);
    if (sig)
        TRY(Signals::send_to_thread(*t, info));
    return 0;
}

ErrorOr<uint64_t> timeval_ns(const linux::timeval& tv)
{
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return err(EINVAL);
    if (uint64_t(tv.tv_sec) > UINT64_MAX / kNsPerSecond - 1)
        return UINT64_MAX;
    return uint64_t(tv.tv_sec) * kNsPerSecond + uint64_t(tv.tv_usec) * kNsPerUs;
}

linux::timeval to_timeval(uint64_t ns) { return { int64_t(ns / kNsPerSecond), int64_t(ns % kNsPerSecond / kNsPerUs) }; }
} // namespace

SysResult sys_rt_sigaction(int sig, UserPtr<const k_sigaction> act, UserPtr<k_sigaction> oldact, size_t sigsetsize)
{
    if (sigsetsize != kSigsetSize)
        return err(EINVAL);
    k_sigaction action {}, old {};
    if (!act.is_null())
        action = TRY(copy_in(act));
    TRY(Signals::change_action(sig, act.is_null() ? nullptr : &action, oldact.is_null() ? nullptr : &old));
    if (!oldact.is_null())
        TRY(copy_out(oldact, old));
    return 0;
}

SysResult sys_rt_sigprocmask(int how, UserPtr<const uint64_t> set, UserPtr<uint64_t> oldset, size_t sigsetsize)
{
    if (sigsetsize != kSigsetSize)
        return err(EINVAL);
    SignalSet old = Signals::of_current_thread().blocked;
    if (!set.is_null())
        TRY(Signals::change_blocked(how, TRY(copy_in_set(set))));
    if (!oldset.is_null())
        TRY(copy_out(oldset, old.bits()));
    Signals::act_on_pending();
    return 0;
}

SysResult sys_rt_sigpending(UserPtr<uint64_t> set, size_t sigsetsize)
{
    if (sigsetsize > kSigsetSize)
        return err(EINVAL);
    uint64_t bits = Signals::pending_blocked().bits();
    TRY(set.buffer().write_from(0, &bits, sigsetsize));
    return 0;
}

SysResult sys_sigaltstack(UserPtr<const stack_t> ss, UserPtr<stack_t> old)
{
    stack_t wanted {}, previous {};
    if (!ss.is_null())
        wanted = TRY(copy_in(ss));
    husk_user_regs* regs = Scheduler::current()->user_regs();
    uint64_t sp = regs ? husk_user_sp(regs) : 0;
    TRY(Signals::change_altstack(ss.is_null() ? nullptr : &wanted, old.is_null() ? nullptr : &previous, sp));
    if (!old.is_null())
        TRY(copy_out(old, previous));
    return 0;
}

SysResult sys_rt_sigreturn()
{
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS); // a local client has no handler frames
    return Signals::sigreturn(*self);
}

SysResult sys_rt_sigsuspend(UserPtr<const uint64_t> mask, size_t sigsetsize)
{
    if (sigsetsize != kSigsetSize)
        return err(EINVAL);
    return Signals::suspend(TRY(copy_in_set(mask)));
}

SysResult sys_pause() { return Signals::pause(); }

SysResult sys_rt_sigtimedwait(UserPtr<const uint64_t> which, UserPtr<siginfo> uinfo, UserPtr<const linux::timespec> timeout,
                              size_t sigsetsize)
{
    if (sigsetsize != kSigsetSize)
        return err(EINVAL);
    SignalSet set = TRY(copy_in_set(which));
    uint64_t deadline = UINT64_MAX;
    if (!timeout.is_null()) {
        uint64_t ns = TRY(timespec_to_ns(timeout));
        deadline = ns == 0 ? 0 : deadline_after(int64_t(ns > INT64_MAX ? INT64_MAX : ns));
    }
    siginfo info {};
    int sig = TRY(Signals::wait_for(set, deadline, info));
    if (!uinfo.is_null())
        TRY(copy_out(uinfo, info));
    return sig;
}

SysResult sys_kill(int pid, int sig)
{
    if (sig != 0 && !Signals::is_valid(sig))
        return err(EINVAL);
    siginfo info = Signals::from_current(sig, SI_USER);
    if (pid > 0) {
        Process* p = TRY(process_to_signal(pid, sig));
        if (sig)
            TRY(Signals::send_to_process(*p, info));
        return 0;
    }
    if (pid == INT32_MIN)
        return err(ESRCH);
    TRY(Signals::send_to_group(pid, info));
    return 0;
}

SysResult sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return err(EINVAL);
    return send_specific(0, tid, Signals::from_current(sig, SI_TKILL));
}

SysResult sys_tgkill(int tgid, int tid, int sig)
{
    if (tid <= 0 || tgid <= 0)
        return err(EINVAL);
    return send_specific(tgid, tid, Signals::from_current(sig, SI_TKILL));
}

SysResult sys_rt_sigqueueinfo(int pid, int sig, UserPtr<const siginfo> uinfo)
{
    siginfo info = TRY(copy_in(uinfo));
    // Only the kernel, or a process to itself, may claim kill's or
    // tkill's si_code (it would forge a sender).
    if ((info.si_code >= 0 || info.si_code == SI_TKILL) && uint32_t(pid) != Process::current().pid())
        return err(EPERM);
    info.si_signo = sig;
    Process* p = TRY(process_to_signal(pid, sig));
    if (sig)
        TRY(Signals::send_to_process(*p, info));
    return 0;
}

SysResult sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, UserPtr<const siginfo> uinfo)
{
    if (tid <= 0 || tgid <= 0)
        return err(EINVAL);
    siginfo info = TRY(copy_in(uinfo));
    if ((info.si_code >= 0 || info.si_code == SI_TKILL) && uint32_t(tid) != Scheduler::current()->tid())
        return err(EPERM);
    info.si_signo = sig;
    return send_specific(tgid, tid, info);
}

SysResult sys_getitimer(int which, UserPtr<itimerval> value)
{
    itimerval v {};
    if (which == ITIMER_REAL) {
        auto t = Signals::real_timer(Process::current());
        v = { to_timeval(t.interval_ns), to_timeval(t.value_ns) };
    } else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF) {
        return err(EINVAL);
    } // (the CPU-time timers are never armed: setitimer refuses them)
    TRY(copy_out(value, v));
    return 0;
}

SysResult sys_setitimer(int which, UserPtr<const itimerval> value, UserPtr<itimerval> old)
{
    itimerval v {};
    if (!value.is_null())
        v = TRY(copy_in(value)); // Linux takes a null value as zero
    if (which != ITIMER_REAL)
        return err(EINVAL); // CPU-time timers need CPU accounting (documented)
    Signals::TimerValue wanted { TRY(timeval_ns(v.it_value)), TRY(timeval_ns(v.it_interval)) };
    auto previous = Signals::set_real_timer(Process::current(), wanted);
    if (!old.is_null())
        TRY(copy_out(old, itimerval { to_timeval(previous.interval_ns), to_timeval(previous.value_ns) }));
    return 0;
}

SysResult sys_alarm(unsigned seconds)
{
    auto previous = Signals::set_real_timer(Process::current(), { uint64_t(seconds) * kNsPerSecond, 0 });
    linux::timeval left = to_timeval(previous.value_ns);
    // Linux rounds to the nearest second, and never reports 0 for an
    // alarm still pending.
    if ((left.tv_sec == 0 && left.tv_usec) || left.tv_usec >= 500000)
        ++left.tv_sec;
    return left.tv_sec;
}

SysResult sys_signalfd4(int fd, UserPtr<const uint64_t> mask, size_t sizemask, int flags)
{
    if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
        return err(EINVAL);
    if (sizemask != kSigsetSize)
        return err(EINVAL);
    SignalSet set = TRY(copy_in_set(mask));
    if (fd != -1) {
        RefPtr<File> f = TRY(file_of(fd));
        if (!f->is_signalfd())
            return err(EINVAL);
        static_cast<SignalFd&>(*f).set_mask(set);
        return fd;
    }
    RefPtr<File> file = kstd::adopt_new<SignalFd>(set, flags);
    if (!file)
        return err(ENOMEM);
    return TRY(Process::current().fds().allocate(kstd::move(file), flags & SFD_CLOEXEC));
}

SysResult sys_signalfd(int fd, UserPtr<const uint64_t> mask, size_t sizemask) { return sys_signalfd4(fd, mask, sizemask, 0); }

SysResult sys_restart_syscall()
{
    RestartBlock& restart = Signals::of_current_thread().restart;
    if (!restart.resume)
        return err(EINTR);
    long r = restart.resume(restart);
    return r < 0 ? SysResult(err(int(-r))) : SysResult(r);
}

} // namespace husk
