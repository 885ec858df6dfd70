// Waiting for children: wait4(2), waitid(2).
#include "../proc/ProcessTree.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

SysResult sys_wait4(int pid, UserPtr<int32_t> status, int options, UserPtr<linux::rusage> usage)
{
    Process& self = Process::current();
    ProcessTree::Target target;
    if (pid == -1)
        target = { ProcessTree::Target::Kind::Any, 0 };
    else if (pid == 0)
        target = { ProcessTree::Target::Kind::Group, self.pgid() };
    else if (pid < -1)
        target = { ProcessTree::Target::Kind::Group, uint32_t(-int64_t(pid)) };
    else
        target = { ProcessTree::Target::Kind::Pid, uint32_t(pid) };
    constexpr unsigned kAllowed = ProcessTree::kNoHang | ProcessTree::kUntraced | ProcessTree::kContinued
                                  | ProcessTree::kNoThread | ProcessTree::kAll | ProcessTree::kClone;
    if (unsigned(options) & ~kAllowed)
        return err(EINVAL);
    ProcessTree::Change change = TRY(ProcessTree::wait(self, target, unsigned(options) | ProcessTree::kExited));
    if (change.pid && !status.is_null())
        TRY(copy_out(status, int32_t(change.wait_status)));
    if (change.pid && !usage.is_null())
        TRY(copy_out(usage, linux::rusage {})); // no accounting: zero times
    return change.pid;
}

SysResult sys_waitid(int idtype, int id, UserPtr<linux::siginfo> info, int options, UserPtr<linux::rusage> usage)
{
    constexpr int kAll = 0, kPid = 1, kPgid = 2;
    Process& self = Process::current();
    ProcessTree::Target target;
    switch (idtype) {
    case kAll: target = { ProcessTree::Target::Kind::Any, 0 }; break;
    case kPid:
        if (id <= 0)
            return err(EINVAL);
        target = { ProcessTree::Target::Kind::Pid, uint32_t(id) };
        break;
    case kPgid:
        if (id < 0)
            return err(EINVAL);
        target = { ProcessTree::Target::Kind::Group, id ? uint32_t(id) : self.pgid() };
        break;
    default: return err(EINVAL); // P_PIDFD: pidfds are not supported
    }
    unsigned wanted = unsigned(options) & (ProcessTree::kExited | ProcessTree::kStopped | ProcessTree::kContinued);
    if (!wanted)
        return err(EINVAL);
    ProcessTree::Change change = TRY(ProcessTree::wait(self, target, unsigned(options)));
    if (!info.is_null()) {
        linux::siginfo si {};
        if (change.pid) {
            si.si_signo = linux::SIGCHLD;
            si.si_code = change.code;
            si.si_pid = int32_t(change.pid);
            si.si_uid = change.uid;
            si.si_status = change.status;
        }
        TRY(copy_out(info, si)); // all zero when WNOHANG found nothing
    }
    if (change.pid && !usage.is_null())
        TRY(copy_out(usage, linux::rusage {}));
    return 0;
}

} // namespace husk
