// Metadata: the stat family, access, readlink, chmod/chown, umask,
// utimensat and statfs.
#include "../vfs/Permissions.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;
using kstd::RefPtr;
using namespace kstd::errno_values;
using namespace linux;

namespace {

// stat of path relative to dirfd, or of dirfd itself (AT_EMPTY_PATH), which
// also covers descriptors without a vnode such as pipes.
ErrorOr<linux::stat> stat_at(int dirfd, UChar upath, int flags)
{
    PathBuffer path;
    TRY(copy_path(upath, path));
    linux::stat st;
    if (path.view().is_empty() && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        RefPtr<File> f = TRY(file_of(dirfd));
        TRY(f->stat(st));
        return st;
    }
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, upath, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    fill_stat(*v, st);
    return st;
}

ErrorOr<void> require_owner(const Vnode& v)
{
    auto& who = Process::current().credentials();
    if (!who.is_superuser() && who.euid != v.m_uid)
        return err(EPERM);
    return {};
}

ErrorOr<void> chmod_vnode(Vnode& v, uint32_t mode)
{
    TRY(require_owner(v));
    if (v.fs().is_read_only())
        return err(EROFS);
    v.m_mode = (v.m_mode & S_IFMT) | (mode & 07777);
    v.m_ctime = Timestamp::now();
    return v.write_metadata();
}

ErrorOr<void> chown_vnode(Vnode& v, uint32_t uid, uint32_t gid)
{
    auto& who = Process::current().credentials();
    bool uid_change = uid != uint32_t(-1) && uid != v.m_uid;
    bool gid_change = gid != uint32_t(-1) && gid != v.m_gid;
    if (!who.is_superuser() && (uid_change || (gid_change && (who.euid != v.m_uid || gid != who.egid))))
        return err(EPERM);
    if (v.fs().is_read_only())
        return err(EROFS);
    if (uid != uint32_t(-1))
        v.m_uid = uid;
    if (gid != uint32_t(-1))
        v.m_gid = gid;
    // Like Linux: a chown of a non-directory drops set-user-ID, and
    // set-group-ID when group execute is set.
    if (!v.is_directory() && (uid != uint32_t(-1) || gid != uint32_t(-1))) {
        v.m_mode &= ~S_ISUID;
        if (v.m_mode & 010)
            v.m_mode &= ~S_ISGID;
    }
    v.m_ctime = Timestamp::now();
    return v.write_metadata();
}

ErrorOr<void> access_at(int dirfd, UChar path, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return err(EINVAL);
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    if ((mode & W_OK) && v->fs().is_read_only() && (v->is_regular() || v->is_directory() || v->is_symlink()))
        return err(EROFS);
    return check_access(*v, Process::current().credentials(), mode, !(flags & AT_EACCESS));
}

SysResult readlink_at(int dirfd, UChar path, UserPtr<char> buf, size_t size)
{
    if (int(size) <= 0)
        return err(EINVAL);
    Resolved r = TRY(resolve_at(dirfd, path, 0));
    if (!r.vnode->is_symlink())
        return err(EINVAL);
    char target[PATH_MAX];
    size_t n = TRY(r.vnode->readlink(target, kstd::min(size, sizeof target)));
    TRY(buf.buffer().write_from(0, target, n));
    return long(n);
}

bool valid_nsec(int64_t ns) { return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns < 1000000000); }

ErrorOr<void> set_times(Vnode& v, const linux::timespec* times)
{
    auto& who = Process::current().credentials();
    bool explicit_time = times && (times[0].tv_nsec != UTIME_NOW || times[1].tv_nsec != UTIME_NOW);
    if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
        return {};
    if (v.fs().is_read_only())
        return err(EROFS);
    if (!who.is_superuser() && who.euid != v.m_uid) {
        if (explicit_time)
            return err(EPERM);
        TRY(check_access(v, who, W_OK));
    }
    Timestamp now = Timestamp::now();
    auto pick = [&](const linux::timespec* t, Timestamp& field) {
        if (!t || t->tv_nsec == UTIME_NOW)
            field = now;
        else if (t->tv_nsec != UTIME_OMIT)
            field = { t->tv_sec, t->tv_nsec };
    };
    pick(times ? &times[0] : nullptr, v.m_atime);
    pick(times ? &times[1] : nullptr, v.m_mtime);
    v.m_ctime = now;
    return v.write_metadata();
}

} // namespace

SysResult sys_stat(UChar path, UserPtr<linux::stat> st)
{
    linux::stat s = TRY(stat_at(AT_FDCWD, path, 0));
    TRY(copy_out(st, s));
    return 0;
}

SysResult sys_lstat(UChar path, UserPtr<linux::stat> st)
{
    linux::stat s = TRY(stat_at(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW));
    TRY(copy_out(st, s));
    return 0;
}

SysResult sys_fstat(int fd, UserPtr<linux::stat> st)
{
    RefPtr<File> f = TRY(file_of(fd));
    linux::stat s;
    TRY(f->stat(s));
    TRY(copy_out(st, s));
    return 0;
}

SysResult sys_newfstatat(int dirfd, UChar path, UserPtr<linux::stat> st, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return err(EINVAL);
    linux::stat s = TRY(stat_at(dirfd, path, flags));
    TRY(copy_out(st, s));
    return 0;
}

SysResult sys_statx(int dirfd, UChar path, int flags, unsigned mask, UserPtr<linux::statx> buf)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return err(EINVAL);
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & 0x80000000u))
        return err(EINVAL);
    linux::stat s = TRY(stat_at(dirfd, path, flags));
    linux::statx x {};
    x.stx_mask = STATX_BASIC_STATS;
    x.stx_blksize = uint32_t(s.st_blksize);
    x.stx_nlink = uint32_t(s.st_nlink);
    x.stx_uid = s.st_uid;
    x.stx_gid = s.st_gid;
    x.stx_mode = uint16_t(s.st_mode);
    x.stx_ino = s.st_ino;
    x.stx_size = uint64_t(s.st_size);
    x.stx_blocks = uint64_t(s.st_blocks);
    x.stx_atime = { s.st_atim.tv_sec, uint32_t(s.st_atim.tv_nsec), 0 };
    x.stx_mtime = { s.st_mtim.tv_sec, uint32_t(s.st_mtim.tv_nsec), 0 };
    x.stx_ctime = { s.st_ctim.tv_sec, uint32_t(s.st_ctim.tv_nsec), 0 };
    x.stx_rdev_major = major_of(s.st_rdev);
    x.stx_rdev_minor = minor_of(s.st_rdev);
    x.stx_dev_major = major_of(s.st_dev);
    x.stx_dev_minor = minor_of(s.st_dev);
    TRY(copy_out(buf, x));
    return 0;
}

SysResult sys_access(UChar path, int mode)
{
    TRY(access_at(AT_FDCWD, path, mode, 0));
    return 0;
}

SysResult sys_faccessat(int dirfd, UChar path, int mode)
{
    TRY(access_at(dirfd, path, mode, 0));
    return 0;
}

SysResult sys_faccessat2(int dirfd, UChar path, int mode, int flags)
{
    TRY(access_at(dirfd, path, mode, flags));
    return 0;
}

SysResult sys_readlink(UChar path, UserPtr<char> buf, size_t size) { return readlink_at(AT_FDCWD, path, buf, size); }
SysResult sys_readlinkat(int dirfd, UChar path, UserPtr<char> buf, size_t size) { return readlink_at(dirfd, path, buf, size); }

SysResult sys_chmod(UChar path, uint32_t mode)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, true));
    TRY(chmod_vnode(*v, mode));
    return 0;
}

SysResult sys_fchmodat(int dirfd, UChar path, uint32_t mode)
{
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, 0, true));
    TRY(chmod_vnode(*v, mode));
    return 0;
}

SysResult sys_fchmod(int fd, uint32_t mode)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    if (f->vnode())
        TRY(chmod_vnode(*f->vnode(), mode));
    return 0;
}

SysResult sys_chown(UChar path, uint32_t uid, uint32_t gid)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, true));
    TRY(chown_vnode(*v, uid, gid));
    return 0;
}

SysResult sys_lchown(UChar path, uint32_t uid, uint32_t gid)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, false));
    TRY(chown_vnode(*v, uid, gid));
    return 0;
}

SysResult sys_fchownat(int dirfd, UChar path, uint32_t uid, uint32_t gid, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    TRY(chown_vnode(*v, uid, gid));
    return 0;
}

SysResult sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    if (f->vnode())
        TRY(chown_vnode(*f->vnode(), uid, gid));
    return 0;
}

SysResult sys_umask(uint32_t mask)
{
    Process& p = Process::current();
    uint32_t old = p.umask();
    p.set_umask(mask);
    return old;
}

SysResult sys_utimensat(int dirfd, UChar path, UserPtr<const linux::timespec> utimes, int flags)
{
    linux::timespec times[2];
    if (!utimes.is_null()) {
        TRY(utimes.buffer().read_into(times, 0, sizeof times));
        if (!valid_nsec(times[0].tv_nsec) || !valid_nsec(times[1].tv_nsec))
            return err(EINVAL);
    }
    const linux::timespec* t = utimes.is_null() ? nullptr : times;
    if (path.is_null() && dirfd != AT_FDCWD) {
        // futimens(): the descriptor itself.
        if (flags)
            return err(EINVAL);
        RefPtr<File> f = TRY(file_of(dirfd));
        if (!f->vnode())
            return 0;
        TRY(set_times(*f->vnode(), t));
        return 0;
    }
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    TRY(set_times(*v, t));
    return 0;
}

SysResult sys_statfs(UChar path, UserPtr<linux::statfs> buf)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, true));
    linux::statfs s;
    v->fs().statfs(s);
    TRY(copy_out(buf, s));
    return 0;
}

SysResult sys_fstatfs(int fd, UserPtr<linux::statfs> buf)
{
    RefPtr<File> f = TRY(file_of(fd));
    linux::statfs s {};
    if (f->vnode())
        f->vnode()->fs().statfs(s);
    else
        s.f_type = 0x50495045; // PIPEFS_MAGIC
    TRY(copy_out(buf, s));
    return 0;
}

} // namespace husk
