// The operations on metadata: chmod, chown, utimensat, truncate, access.
// Each decides who may make the change (Linux's setattr_prepare and
// friends) and hands it to Vnode::setattr.
#include "File.h"
#include "Permissions.h"
#include "Vfs.h"

namespace husk {

using namespace linux;
using namespace kstd::errno_values;

namespace {

constexpr uint32_t kUnchanged = uint32_t(-1);

ErrorOr<void> require_owner(const PathContext& context, const Vnode& v)
{
    const Credentials& who = context.credentials;
    if (!who.capable(Capability::Fowner) && who.euid != v.uid())
        return err(EPERM);
    return {};
}

} // namespace

ErrorOr<void> Vfs::chmod(const PathContext& context, Vnode& v, uint32_t mode)
{
    TRY(require_owner(context, v));
    if (v.fs().is_read_only())
        return err(EROFS);
    AttrChange change;
    change.mask = AttrChange::Mode | AttrChange::Ctime;
    change.mode = mode & 07777;
    change.ctime = Timestamp::now();
    return v.setattr(change);
}

ErrorOr<void> Vfs::chown(const PathContext& context, Vnode& v, uint32_t uid, uint32_t gid)
{
    const Credentials& who = context.credentials;
    bool uid_change = uid != kUnchanged && uid != v.uid();
    bool gid_change = gid != kUnchanged && gid != v.gid();
    if (!who.capable(Capability::Chown) && (uid_change || (gid_change && (who.euid != v.uid() || !who.in_group(gid)))))
        return err(EPERM);
    if (v.fs().is_read_only())
        return err(EROFS);
    AttrChange change;
    change.mask = AttrChange::Ctime;
    change.ctime = Timestamp::now();
    if (uid != kUnchanged) {
        change.mask |= AttrChange::Uid;
        change.uid = uid;
    }
    if (gid != kUnchanged) {
        change.mask |= AttrChange::Gid;
        change.gid = gid;
    }
    // Like Linux: a chown of a non-directory drops set-user-ID, and
    // set-group-ID when group execute is set.
    if (!v.is_directory() && (uid != kUnchanged || gid != kUnchanged)) {
        uint32_t mode = v.mode() & ~S_ISUID;
        if (mode & 010)
            mode &= ~S_ISGID;
        change.mask |= AttrChange::Mode;
        change.mode = mode & 07777;
    }
    return v.setattr(change);
}

ErrorOr<void> Vfs::set_times(const PathContext& context, Vnode& v, const linux::timespec* times)
{
    const Credentials& who = context.credentials;
    bool explicit_time = times && (times[0].tv_nsec != UTIME_NOW || times[1].tv_nsec != UTIME_NOW);
    if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
        return {};
    if (v.fs().is_read_only())
        return err(EROFS);
    // Setting a time of one's choice is the owner's; "now" also anyone's
    // who may write the file.
    if (!who.capable(Capability::Fowner) && who.euid != v.uid()) {
        if (explicit_time)
            return err(EPERM);
        TRY(check_access(v, who, W_OK));
    }
    AttrChange change;
    change.mask = AttrChange::Ctime;
    change.ctime = Timestamp::now();
    auto pick = [&](const linux::timespec* t, unsigned field, Timestamp& value) {
        if (t && t->tv_nsec == UTIME_OMIT)
            return;
        change.mask |= field;
        value = !t || t->tv_nsec == UTIME_NOW ? change.ctime : Timestamp { t->tv_sec, t->tv_nsec };
    };
    pick(times ? &times[0] : nullptr, AttrChange::Atime, change.atime);
    pick(times ? &times[1] : nullptr, AttrChange::Mtime, change.mtime);
    return v.setattr(change);
}

ErrorOr<void> Vfs::truncate(const PathContext& context, Vnode& v, uint64_t length)
{
    if (v.is_directory())
        return err(EISDIR);
    if (!v.is_regular())
        return err(EINVAL);
    TRY(check_access(v, context.credentials, W_OK));
    if (v.fs().is_read_only())
        return err(EROFS);
    TRY(v.get_write_access()); // ETXTBSY for a running program
    AttrChange change;
    change.mask = AttrChange::Size;
    change.size = length;
    auto result = v.setattr(change);
    v.put_write_access();
    return result;
}

ErrorOr<void> Vfs::truncate(File& f, uint64_t length)
{
    Vnode* v = f.vnode();
    if (!v || !v->is_regular() || !f.is_writable())
        return err(EINVAL);
    if (v->fs().is_read_only())
        return err(EROFS);
    AttrChange change;
    change.mask = AttrChange::Size;
    change.size = length;
    return v->setattr(change);
}

ErrorOr<void> Vfs::access(const PathContext& context, Vnode& v, int mask, bool effective_ids)
{
    if ((mask & W_OK) && v.fs().is_read_only() && (v.is_regular() || v.is_directory() || v.is_symlink()))
        return err(EROFS);
    return check_access(v, context.credentials, mask, !effective_ids);
}

} // namespace husk
