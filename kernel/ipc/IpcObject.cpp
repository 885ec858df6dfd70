#include "IpcObject.h"
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../proc/Process.h"

namespace husk {

void IpcObject::init(const IpcCaller& caller, int32_t new_key, int flags)
{
    key = new_key;
    uid = cuid = caller.credentials.euid;
    gid = cgid = caller.credentials.egid;
    mode = uint32_t(flags) & 0777;
    ctime = ipc_now();
}

ErrorOr<void> IpcObject::check_access(const Credentials& who, int flags) const
{
    // Linux's ipcperms: the owner's, the group's or the others' bits, the
    // first class the caller falls in, must grant every right asked for.
    unsigned requested = unsigned(flags) & 0777;
    requested = (requested >> 6 | requested >> 3 | requested) & 07;
    unsigned granted = mode;
    if (who.euid == cuid || who.euid == uid)
        granted >>= 6;
    else if (who.egid == cgid || who.egid == gid)
        granted >>= 3;
    if ((requested & ~granted & 07) && !who.capable(Capability::IpcOwner))
        return kstd::err(kstd::EACCES);
    return {};
}

ErrorOr<void> IpcObject::check_owner(const Credentials& who) const
{
    if (who.euid == cuid || who.euid == uid || who.capable(Capability::SysAdmin))
        return {};
    return kstd::err(kstd::EPERM);
}

void IpcObject::fill(linux::ipc64_perm& out) const
{
    out = {};
    out.key = key;
    out.uid = uid;
    out.gid = gid;
    out.cuid = cuid;
    out.cgid = cgid;
    out.mode = mode;
    out.seq = seq;
}

void IpcObject::set(const linux::ipc64_perm& in)
{
    uid = in.uid;
    gid = in.gid;
    mode = (mode & ~0777u) | (in.mode & 0777);
    ctime = ipc_now();
}

int64_t ipc_now() { return int64_t(husk_plat_clock_wall() / 1000000000); }

uint32_t ipc_current_pid()
{
    Thread* t = Scheduler::current();
    return t && t->process() ? t->process()->pid() : 0;
}

} // namespace husk
