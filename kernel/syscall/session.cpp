// Process groups and sessions: setpgid(2), getpgid(2), getpgrp(2),
// setsid(2), getsid(2).
#include "../proc/ProcessTree.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
ErrorOr<Process*> process_or_self(int pid)
{
    if (pid < 0)
        return err(ESRCH);
    Process* p = pid ? Process::find(uint32_t(pid)) : &Process::current();
    if (!p)
        return err(ESRCH);
    return p;
}
} // namespace

SysResult sys_setpgid(int pid, int pgid)
{
    if (pid < 0 || pgid < 0)
        return err(pid < 0 ? ESRCH : EINVAL);
    TRY(ProcessTree::set_group(Process::current(), uint32_t(pid), uint32_t(pgid)));
    return 0;
}

SysResult sys_getpgid(int pid) { return TRY(process_or_self(pid))->pgid(); }

SysResult sys_getpgrp() { return Process::current().pgid(); }

SysResult sys_setsid() { return TRY(ProcessTree::new_session(Process::current())); }

SysResult sys_getsid(int pid) { return TRY(process_or_self(pid))->sid(); }

} // namespace husk
