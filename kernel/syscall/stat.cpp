// Metadata: the stat family, access, readlink, chmod/chown, umask,
// utimensat and statfs.
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

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

ErrorOr<void> access_at(int dirfd, UChar path, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return err(EINVAL);
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    return Vfs::access(path_context(), *v, mode, (flags & AT_EACCESS) != 0);
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
    TRY(Vfs::chmod(path_context(), *v, mode));
    return 0;
}

SysResult sys_fchmodat(int dirfd, UChar path, uint32_t mode)
{
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, 0, true));
    TRY(Vfs::chmod(path_context(), *v, mode));
    return 0;
}

SysResult sys_fchmod(int fd, uint32_t mode)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    if (f->vnode())
        TRY(Vfs::chmod(path_context(), *f->vnode(), mode));
    return 0;
}

SysResult sys_chown(UChar path, uint32_t uid, uint32_t gid)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, true));
    TRY(Vfs::chown(path_context(), *v, uid, gid));
    return 0;
}

SysResult sys_lchown(UChar path, uint32_t uid, uint32_t gid)
{
    RefPtr<Vnode> v = TRY(vnode_at(AT_FDCWD, path, 0, false));
    TRY(Vfs::chown(path_context(), *v, uid, gid));
    return 0;
}

SysResult sys_fchownat(int dirfd, UChar path, uint32_t uid, uint32_t gid, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    TRY(Vfs::chown(path_context(), *v, uid, gid));
    return 0;
}

SysResult sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    if (f->vnode())
        TRY(Vfs::chown(path_context(), *f->vnode(), uid, gid));
    return 0;
}

SysResult sys_umask(uint32_t mask)
{
    Process& p = Process::current();
    uint32_t old = p.umask();
    p.set_umask(mask);
    return old;
}

namespace {
// utimensat's work, with the times already copied in (nullptr: now).
SysResult set_times_at(int dirfd, UChar path, const linux::timespec* t, int flags)
{
    if (path.is_null() && dirfd != AT_FDCWD) {
        // futimens(): the descriptor itself.
        if (flags)
            return err(EINVAL);
        RefPtr<File> f = TRY(file_of(dirfd));
        if (!f->vnode())
            return 0;
        TRY(Vfs::set_times(path_context(), *f->vnode(), t));
        return 0;
    }
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    RefPtr<Vnode> v = TRY(vnode_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW)));
    TRY(Vfs::set_times(path_context(), *v, t));
    return 0;
}

// utimes/futimesat: two timevals (microseconds 0..999999, else EINVAL).
SysResult set_timevals_at(int dirfd, UChar path, UserPtr<const linux::timeval> tv)
{
    if (tv.is_null())
        return set_times_at(dirfd, path, nullptr, 0);
    linux::timeval in[2];
    TRY(tv.buffer().read_into(in, 0, sizeof in));
    linux::timespec times[2];
    for (int i = 0; i < 2; ++i) {
        if (in[i].tv_usec < 0 || in[i].tv_usec >= 1000000)
            return err(EINVAL);
        times[i] = { in[i].tv_sec, in[i].tv_usec * 1000 };
    }
    return set_times_at(dirfd, path, times, 0);
}
} // namespace

SysResult sys_utimensat(int dirfd, UChar path, UserPtr<const linux::timespec> utimes, int flags)
{
    linux::timespec times[2];
    if (!utimes.is_null()) {
        TRY(utimes.buffer().read_into(times, 0, sizeof times));
        if (!valid_nsec(times[0].tv_nsec) || !valid_nsec(times[1].tv_nsec))
            return err(EINVAL);
    }
    return set_times_at(dirfd, path, utimes.is_null() ? nullptr : times, flags);
}

SysResult sys_utimes(UChar path, UserPtr<const linux::timeval> times) { return set_timevals_at(AT_FDCWD, path, times); }

SysResult sys_futimesat(int dirfd, UChar path, UserPtr<const linux::timeval> times)
{
    return set_timevals_at(dirfd, path, times);
}

// utime: struct utimbuf, whole seconds.
SysResult sys_utime(UChar path, UserPtr<const int64_t> times)
{
    if (times.is_null())
        return set_times_at(AT_FDCWD, path, nullptr, 0);
    int64_t in[2];
    TRY(times.buffer().read_into(in, 0, sizeof in));
    linux::timespec t[2] = { { in[0], 0 }, { in[1], 0 } };
    return set_times_at(AT_FDCWD, path, t, 0);
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
