// The directory tree: mkdir/mknod, rmdir/unlink, rename, link/symlink,
// getdents64, cwd and root, mount/umount.
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

SysResult mkdir_at(int dirfd, UChar upath, uint32_t mode)
{
    PathAt at;
    TRY(copy_path_at(dirfd, upath, at));
    TRY(Vfs::mkdir(path_context(), at.base, at.view(), mode));
    return 0;
}

SysResult mknod_at(int dirfd, UChar upath, uint32_t mode, uint64_t dev)
{
    PathAt at;
    TRY(copy_path_at(dirfd, upath, at));
    TRY(Vfs::mknod(path_context(), at.base, at.view(), mode, dev));
    return 0;
}

SysResult rmdir_at(int dirfd, UChar upath)
{
    PathAt at;
    TRY(copy_path_at(dirfd, upath, at));
    TRY(Vfs::rmdir(path_context(), at.base, at.view()));
    return 0;
}

SysResult unlink_at(int dirfd, UChar upath)
{
    PathAt at;
    TRY(copy_path_at(dirfd, upath, at));
    TRY(Vfs::unlink(path_context(), at.base, at.view()));
    return 0;
}

SysResult rename_at(int olddirfd, UChar oldpath, int newdirfd, UChar newpath, unsigned flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return err(EINVAL);
    if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
        return err(EINVAL);
    if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
        return err(EINVAL); // not supported yet (documented in the table)
    PathAt from, to;
    TRY(copy_path_at(olddirfd, oldpath, from));
    TRY(copy_path_at(newdirfd, newpath, to));
    TRY(Vfs::rename(path_context(), from.base, from.view(), to.base, to.view(), flags));
    return 0;
}

SysResult link_at(int olddirfd, UChar oldpath, int newdirfd, UChar newpath, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    // Linux's order: the old name, then the new one, then the checks.
    RefPtr<Vnode> old = TRY(vnode_at(olddirfd, oldpath, flags, flags & AT_SYMLINK_FOLLOW));
    PathAt at;
    TRY(copy_path_at(newdirfd, newpath, at));
    TRY(Vfs::link(path_context(), *old, at.base, at.view()));
    return 0;
}

SysResult symlink_at(UChar utarget, int newdirfd, UChar linkpath)
{
    PathBuffer target;
    TRY(copy_path(utarget, target));
    if (target.view().is_empty())
        return err(ENOENT);
    PathAt at;
    TRY(copy_path_at(newdirfd, linkpath, at));
    TRY(Vfs::symlink(path_context(), target.view(), at.base, at.view()));
    return 0;
}

ErrorOr<RefPtr<Vnode>> directory_at(UChar path)
{
    Resolved r = TRY(resolve_at(AT_FDCWD, path, FollowLast));
    TRY(Vfs::may_enter(path_context(), *r.vnode));
    return r.vnode;
}

} // namespace

SysResult sys_mkdir(UChar path, uint32_t mode) { return mkdir_at(AT_FDCWD, path, mode); }
SysResult sys_mkdirat(int dirfd, UChar path, uint32_t mode) { return mkdir_at(dirfd, path, mode); }
SysResult sys_mknod(UChar path, uint32_t mode, uint64_t dev) { return mknod_at(AT_FDCWD, path, mode, dev); }
SysResult sys_mknodat(int dirfd, UChar path, uint32_t mode, uint64_t dev) { return mknod_at(dirfd, path, mode, dev); }
SysResult sys_rmdir(UChar path) { return rmdir_at(AT_FDCWD, path); }
SysResult sys_unlink(UChar path) { return unlink_at(AT_FDCWD, path); }

SysResult sys_unlinkat(int dirfd, UChar path, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return err(EINVAL);
    return (flags & AT_REMOVEDIR) ? rmdir_at(dirfd, path) : unlink_at(dirfd, path);
}

SysResult sys_rename(UChar oldpath, UChar newpath) { return rename_at(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0); }
SysResult sys_renameat(int od, UChar op, int nd, UChar np) { return rename_at(od, op, nd, np, 0); }
SysResult sys_renameat2(int od, UChar op, int nd, UChar np, unsigned flags) { return rename_at(od, op, nd, np, flags); }
SysResult sys_link(UChar oldpath, UChar newpath) { return link_at(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0); }
SysResult sys_linkat(int od, UChar op, int nd, UChar np, int flags) { return link_at(od, op, nd, np, flags); }
SysResult sys_symlink(UChar target, UChar linkpath) { return symlink_at(target, AT_FDCWD, linkpath); }
SysResult sys_symlinkat(UChar target, int newdirfd, UChar linkpath) { return symlink_at(target, newdirfd, linkpath); }

SysResult sys_getdents64(int fd, UserPtr<void> dirp, size_t count)
{
    RefPtr<File> f = TRY(file_of(fd));
    return long(TRY(f->getdents(dirp.buffer(), kstd::min<size_t>(count, INT32_MAX))));
}

SysResult sys_getdents(int fd, UserPtr<void> dirp, size_t count)
{
    RefPtr<File> f = TRY(file_of(fd));
    return long(TRY(f->getdents(dirp.buffer(), kstd::min<size_t>(count, INT32_MAX), true)));
}

SysResult sys_getcwd(UserPtr<char> buf, size_t size)
{
    PathContext context = path_context();
    char path[PATH_MAX];
    size_t n = TRY(Vfs::path_of(context, *context.cwd, path, sizeof path));
    if (n + 1 > size)
        return err(ERANGE);
    TRY(buf.buffer().write_from(0, path, n + 1));
    return long(n + 1);
}

SysResult sys_chdir(UChar path)
{
    RefPtr<Vnode> dir = TRY(directory_at(path));
    Process::current().set_cwd(dir);
    return 0;
}

SysResult sys_fchdir(int fd)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (!f->vnode())
        return err(ENOTDIR);
    TRY(Vfs::may_enter(path_context(), *f->vnode()));
    Process::current().set_cwd(RefPtr<Vnode>(f->vnode()));
    return 0;
}

SysResult sys_chroot(UChar path)
{
    if (!Process::current().credentials().capable(Capability::SysChroot))
        return err(EPERM);
    RefPtr<Vnode> dir = TRY(directory_at(path));
    Process::current().set_root(dir);
    return 0;
}

SysResult sys_mount(UChar source, UChar target, UChar fstype, unsigned long flags, UserPtr<const void> data)
{
    Process& p = Process::current();
    if (!p.credentials().capable(Capability::SysAdmin))
        return err(EPERM);
    if (flags & (MS_REMOUNT | MS_BIND))
        return err(EINVAL); // not supported yet (documented in the table)
    PathBuffer type, src, options;
    TRY(copy_path(fstype, type));
    if (!source.is_null())
        TRY(copy_path(source, src));
    else
        src.chars[0] = 0;
    options.chars[0] = 0;
    if (!data.is_null()) {
        long n = user_strncpy(options.chars, reinterpret_cast<const char*>(data.address()), 4096);
        if (n == -EFAULT)
            return err(EFAULT);
    }
    const FileSystemType* fst = FileSystemTypes::find(type.view());
    if (!fst)
        return err(ENODEV);
    Resolved r = TRY(resolve_at(AT_FDCWD, target, FollowLast));
    TRY(Vfs::may_mount_on(*r.vnode));
    FileSystem* fs = TRY(fst->create(src.view(), flags, options.view()));
    if (auto m = Vfs::mount(fs, *r.vnode, flags, src.view()); m.is_error()) {
        delete fs;
        return m.error();
    }
    return 0;
}

SysResult sys_umount2(UChar target, int flags)
{
    constexpr int kExpire = 4, kNoFollow = 8;
    if (flags & ~(MNT_FORCE | MNT_DETACH | kExpire | kNoFollow))
        return err(EINVAL);
    if (!Process::current().credentials().capable(Capability::SysAdmin))
        return err(EPERM);
    Resolved r = TRY(resolve_at(AT_FDCWD, target, (flags & kNoFollow) ? 0 : FollowLast));
    if (!r.vnode->root_of_mount)
        return err(EINVAL);
    Vnode* root = r.vnode.ptr();
    r.vnode.clear();
    r.parent.clear();
    TRY(Vfs::unmount(*root, flags, Process::any_inside));
    return 0;
}

} // namespace husk
