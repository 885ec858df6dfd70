// The directory tree: mkdir/mknod, rmdir/unlink, rename, link/symlink,
// getdents64, cwd and root, mount/umount.
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

using Last = Resolved::Last;

// Common checks before changing an entry of dir.
ErrorOr<void> may_modify(Vnode& dir)
{
    TRY(check_access(dir, Process::current().credentials(), W_OK | X_OK));
    if (dir.fs().is_read_only())
        return err(EROFS);
    return {};
}

bool is_mount_point(const Vnode& v) { return v.root_of_mount != nullptr || v.mounted_here != nullptr; }

// Resolves the place a new name is to be created; EEXIST if taken.
ErrorOr<Resolved> new_entry_at(int dirfd, UChar path, bool allow_trailing_slash)
{
    Resolved r = TRY(resolve_at(dirfd, path, WantParent));
    if (r.vnode || r.last != Last::Normal)
        return err(EEXIST);
    if (r.trailing_slash && !allow_trailing_slash)
        return err(ENOENT);
    TRY(may_modify(*r.parent));
    return r;
}

SysResult mkdir_at(int dirfd, UChar path, uint32_t mode)
{
    Resolved r = TRY(new_entry_at(dirfd, path, true));
    Process& p = Process::current();
    TRY(r.parent->mkdir(r.name_view(), mode & (07777 & ~p.umask()) & ~(S_ISUID | S_ISGID), p.credentials()));
    return 0;
}

SysResult mknod_at(int dirfd, UChar path, uint32_t mode, uint64_t)
{
    uint32_t type = mode & S_IFMT;
    if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
        return err(EINVAL);
    if (type == S_IFDIR)
        return err(EPERM);
    Resolved r = TRY(new_entry_at(dirfd, path, false));
    Process& p = Process::current();
    TRY(r.parent->create(r.name_view(), (type ? type : S_IFREG) | (mode & 07777 & ~p.umask()), p.credentials(), 0));
    return 0;
}

SysResult rmdir_at(int dirfd, UChar path)
{
    Resolved r = TRY(resolve_at(dirfd, path, WantParent));
    if (r.last == Last::Dot)
        return err(EINVAL);
    if (r.last == Last::DotDot)
        return err(ENOTEMPTY);
    if (r.last == Last::Root)
        return err(EBUSY);
    if (!r.vnode)
        return err(ENOENT);
    if (!r.vnode->is_directory())
        return err(ENOTDIR);
    TRY(may_modify(*r.parent));
    if (is_mount_point(*r.vnode) || r.vnode == Process::current().root().ptr())
        return err(EBUSY);
    TRY(r.parent->rmdir(r.name_view()));
    return 0;
}

SysResult unlink_at(int dirfd, UChar path)
{
    Resolved r = TRY(resolve_at(dirfd, path, WantParent));
    if (r.last != Last::Normal)
        return err(EISDIR);
    if (!r.vnode)
        return err(ENOENT);
    if (r.vnode->is_directory())
        return err(EISDIR);
    TRY(may_modify(*r.parent));
    TRY(r.parent->unlink(r.name_view()));
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
    Process& p = Process::current();
    Resolved from = TRY(resolve_at(olddirfd, oldpath, WantParent));
    Resolved to = TRY(resolve_at(newdirfd, newpath, WantParent));
    if (&from.parent->fs() != &to.parent->fs())
        return err(EXDEV);
    if (from.last != Last::Normal)
        return err(EBUSY);
    if (to.last != Last::Normal)
        return err((flags & RENAME_NOREPLACE) ? EEXIST : EBUSY);
    if (!from.vnode)
        return err(ENOENT);
    if ((flags & RENAME_NOREPLACE) && to.vnode)
        return err(EEXIST);
    // The order of these checks is Linux's (do_renameat2, then vfs_rename).
    Vnode& source = *from.vnode;
    if (!source.is_directory() && (from.trailing_slash || to.trailing_slash))
        return err(ENOTDIR);
    // A directory cannot move below itself; a target cannot be an ancestor.
    if (TRY(Vfs::is_ancestor(p, source, *to.parent)))
        return err(EINVAL);
    if (to.vnode && TRY(Vfs::is_ancestor(p, *to.vnode, *from.parent)))
        return err(ENOTEMPTY);
    if (to.vnode == &source)
        return 0;
    if (to.vnode && source.is_directory() && !to.vnode->is_directory())
        return err(ENOTDIR);
    if (to.vnode && !source.is_directory() && to.vnode->is_directory())
        return err(EISDIR);
    TRY(may_modify(*from.parent));
    TRY(may_modify(*to.parent));
    if (is_mount_point(source) || (to.vnode && is_mount_point(*to.vnode)))
        return err(EBUSY);
    TRY(from.parent->rename(from.name_view(), *to.parent, to.name_view()));
    return 0;
}

SysResult link_at(int olddirfd, UChar oldpath, int newdirfd, UChar newpath, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return err(EINVAL);
    // Linux's order: the old name, then the new one, then the checks.
    RefPtr<Vnode> old = TRY(vnode_at(olddirfd, oldpath, flags, flags & AT_SYMLINK_FOLLOW));
    Resolved r = TRY(new_entry_at(newdirfd, newpath, false));
    if (&r.parent->fs() != &old->fs())
        return err(EXDEV);
    if (old->is_directory())
        return err(EPERM);
    TRY(r.parent->link(r.name_view(), *old));
    return 0;
}

SysResult symlink_at(UChar utarget, int newdirfd, UChar linkpath)
{
    PathBuffer target;
    TRY(copy_path(utarget, target));
    if (target.view().is_empty())
        return err(ENOENT);
    Resolved r = TRY(new_entry_at(newdirfd, linkpath, false));
    TRY(r.parent->symlink(r.name_view(), target.view(), Process::current().credentials()));
    return 0;
}

ErrorOr<RefPtr<Vnode>> directory_at(UChar path)
{
    Resolved r = TRY(resolve_at(AT_FDCWD, path, FollowLast));
    if (!r.vnode->is_directory())
        return err(ENOTDIR);
    TRY(check_access(*r.vnode, Process::current().credentials(), X_OK));
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

SysResult sys_getcwd(UserPtr<char> buf, size_t size)
{
    Process& p = Process::current();
    char path[PATH_MAX];
    size_t n = TRY(Vfs::path_of(p, *p.cwd(), path, sizeof path));
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
    if (!f->vnode() || !f->vnode()->is_directory())
        return err(ENOTDIR);
    TRY(check_access(*f->vnode(), Process::current().credentials(), X_OK));
    Process::current().set_cwd(RefPtr<Vnode>(f->vnode()));
    return 0;
}

SysResult sys_chroot(UChar path)
{
    if (!Process::current().credentials().is_superuser())
        return err(EPERM);
    RefPtr<Vnode> dir = TRY(directory_at(path));
    Process::current().set_root(dir);
    return 0;
}

SysResult sys_mount(UChar source, UChar target, UChar fstype, unsigned long flags, UserPtr<const void> data)
{
    Process& p = Process::current();
    if (!p.credentials().is_superuser())
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
    if (!r.vnode->is_directory())
        return err(ENOTDIR);
    if (r.vnode->mounted_here)
        return err(EBUSY);
    FileSystem* fs = TRY(fst->create(src.view(), flags, options.view()));
    if (auto m = Vfs::mount(fs, *r.vnode, flags); m.is_error()) {
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
    if (!Process::current().credentials().is_superuser())
        return err(EPERM);
    Resolved r = TRY(resolve_at(AT_FDCWD, target, (flags & kNoFollow) ? 0 : FollowLast));
    if (!r.vnode->root_of_mount)
        return err(EINVAL);
    Vnode* root = r.vnode.ptr();
    r.vnode.clear();
    r.parent.clear();
    TRY(Vfs::unmount(*root, flags));
    return 0;
}

} // namespace husk
