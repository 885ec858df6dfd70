#include "SignalFd.h"
#include "../core/Scheduler.h"
#include "Process.h"
#include "Signals.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
// Linux's signalfd_copyinfo: the fields siginfo's layout for this signal
// and si_code makes meaningful.
signalfd_siginfo to_signalfd(const siginfo& info)
{
    signalfd_siginfo out {};
    out.ssi_signo = uint32_t(info.si_signo);
    out.ssi_errno = info.si_errno;
    out.ssi_code = info.si_code;
    int sig = info.si_signo, code = info.si_code;
    bool fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
    if (sig < SIGRTMIN && code > 0 && code < SI_KERNEL && fault) {
        out.ssi_addr = info.si_addr;
    } else if (sig < SIGRTMIN && code > 0 && code < SI_KERNEL && sig == SIGCHLD) {
        out.ssi_pid = uint32_t(info.si_pid);
        out.ssi_uid = info.si_uid;
        out.ssi_status = info.si_status;
        out.ssi_utime = uint64_t(info.si_utime);
        out.ssi_stime = uint64_t(info.si_stime);
    } else if (code == SI_TIMER) {
        out.ssi_tid = uint32_t(info.si_pid);
        out.ssi_overrun = info.si_uid;
        out.ssi_ptr = info.si_value;
        out.ssi_int = int32_t(info.si_value);
    } else if (code == SI_USER || code == SI_KERNEL) {
        out.ssi_pid = uint32_t(info.si_pid);
        out.ssi_uid = info.si_uid;
    } else if (code < 0) { // sigqueue, tkill, ...
        out.ssi_pid = uint32_t(info.si_pid);
        out.ssi_uid = info.si_uid;
        out.ssi_ptr = info.si_value;
        out.ssi_int = int32_t(info.si_value);
    }
    return out;
}
} // namespace

SignalFd::SignalFd(SignalSet mask, int flags) : File(O_RDWR | (flags & O_NONBLOCK)) { set_mask(mask); }

void SignalFd::set_mask(SignalSet mask) { m_mask = mask.without(Signals::unblockable()); }

PollGeneration& SignalFd::generation()
{
    static PollGeneration g;
    return g;
}

void SignalFd::signal_queued() { PollHub::notify(generation(), POLLIN); }

ErrorOr<size_t> SignalFd::read(IoBuffer buf, size_t n)
{
    if (n < sizeof(signalfd_siginfo))
        return err(EINVAL);
    if (!Scheduler::current()->user_regs())
        return err(EINVAL); // a local client's signals are acted on when sent
    size_t done = 0;
    for (;;) {
        siginfo info;
        while (done + sizeof(signalfd_siginfo) <= n && Signals::take(m_mask, info)) {
            signalfd_siginfo out = to_signalfd(info);
            TRY(buf.write_from(done, &out, sizeof out));
            done += sizeof out;
        }
        if (done)
            return done;
        if (is_nonblocking())
            return err(EAGAIN);
        if (PollHub::wait(UINT64_MAX) == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS);
    }
}

ErrorOr<void> SignalFd::stat(linux::stat& out)
{
    out = {};
    out.st_mode = 0600; // an anonymous inode, as eventfd
    out.st_nlink = 1;
    out.st_blksize = 4096;
    return {};
}

short SignalFd::poll_events()
{
    return Signals::waiting(m_mask) ? short(POLLIN | POLLRDNORM) : short(0);
}

} // namespace husk
