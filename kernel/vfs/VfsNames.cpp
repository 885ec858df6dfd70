// The operations on names: open, mknod, mkdir, symlink, link, unlink,
// rmdir, rename. Each resolves its paths and applies Linux's rules
// (namei.c) before the file system sees the call; the order of the checks
// is the errno order callers observe.
#include "File.h"
#include "Permissions.h"
#include "Vfs.h"
#include "VnodeFile.h"

namespace husk {

using namespace linux;
using namespace kstd::errno_values;

namespace {

using Last = Resolved::Last;

bool is_mount_point(const Vnode& v) { return v.root_of_mount != nullptr || v.mounted_here != nullptr; }

// Any change of dir's entries: a writable file system (EROFS comes first,
// as Linux's mnt_want_write before the permission check), write and
// search permission.
ErrorOr<void> may_modify(const PathContext& context, Vnode& dir)
{
    if (dir.fs().is_read_only())
        return err(EROFS);
    return check_access(dir, context.credentials, W_OK | X_OK);
}

// Linux asks for a writable mount (mnt_want_write) once the parent is
// found and before it looks the last name up: removing or renaming a
// missing name on a read-only file system is EROFS, not ENOENT.
ErrorOr<void> may_write_in(const Vnode& dir)
{
    if (dir.fs().is_read_only())
        return err(EROFS);
    return {};
}

// Removing (or replacing) victim's name in dir: in a sticky directory only
// the owner of either, or the superuser, may.
ErrorOr<void> may_delete(const PathContext& context, Vnode& dir, const Vnode& victim)
{
    TRY(may_modify(context, dir));
    const Credentials& who = context.credentials;
    if ((dir.mode() & S_ISVTX) && !who.capable(Capability::Fowner) && who.euid != victim.uid() && who.euid != dir.uid())
        return err(EPERM);
    return {};
}

// A new name at where: it must be missing (EEXIST), end in a slash only
// for a directory (ENOENT), and its directory must still exist (ENOENT)
// and be modifiable.
ErrorOr<void> may_create(const PathContext& context, const Resolved& where, bool directory)
{
    if (where.vnode || where.last != Last::Normal)
        return err(EEXIST);
    if (where.trailing_slash && !directory)
        return err(ENOENT);
    if (where.parent->nlink() == 0)
        return err(ENOENT); // removed while a process stands in it
    return may_modify(context, *where.parent);
}

// What a new name is to stand for.
struct NewNode {
    enum class Kind { Node, Directory, Symlink };
    Kind kind;
    uint32_t mode;       // the type (a Node's) and permission bits, before the umask
    uint64_t rdev { 0 };
    StringView target {}; // a symlink's
};

// The one place a name is made: may_create's rules, then the creator's
// umask takes bits off the mode and the file system makes the node, owned
// by the creator.
ErrorOr<RefPtr<Vnode>> create_name(const PathContext& context, const Resolved& where, const NewNode& node)
{
    TRY(may_create(context, where, node.kind == NewNode::Kind::Directory));
    Vnode& dir = *where.parent;
    uint32_t mode = node.mode & ~(context.umask & 0777);
    switch (node.kind) {
    case NewNode::Kind::Node:
        // No file system here holds FIFOs or device nodes yet: EPERM, as
        // Linux gives for a file system without mknod.
        if (!is_reg(mode) && !is_sock(mode))
            return err(EPERM);
        return dir.create(where.name_view(), mode, context.credentials, node.rdev);
    case NewNode::Kind::Directory:
        return dir.mkdir(where.name_view(), mode, context.credentials);
    case NewNode::Kind::Symlink:
        return dir.symlink(where.name_view(), node.target, context.credentials);
    }
    return err(EINVAL);
}

// mknod's types (Linux's may_mknod): no type means a regular file, a
// directory is mkdir's (EPERM), a symlink or nonsense is EINVAL.
ErrorOr<uint32_t> node_type(uint32_t mode)
{
    switch (uint32_t type = mode & S_IFMT) {
    case 0: return S_IFREG;
    case S_IFREG:
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
    case S_IFSOCK: return type;
    case S_IFDIR: return err(EPERM);
    default: return err(EINVAL);
    }
}

} // namespace

ErrorOr<RefPtr<File>> Vfs::open(const PathContext& context, RefPtr<Vnode> base, StringView path, int flags, uint32_t mode)
{
    bool path_only = flags & O_PATH;
    bool creating = flags & O_CREAT;
    unsigned resolve_flags = 0;
    if (!(flags & O_NOFOLLOW) && !(creating && (flags & O_EXCL)))
        resolve_flags |= FollowLast;
    if (creating)
        resolve_flags |= WantParent;
    Resolved r = TRY(resolve(context, kstd::move(base), path, resolve_flags));
    RefPtr<Vnode> v = r.vnode;
    bool created = false;
    if (creating) {
        if (v && (flags & O_EXCL))
            return err(EEXIST);
        if (!v) {
            if (r.trailing_slash)
                return err(EISDIR);
            v = TRY(create_name(context, r, { NewNode::Kind::Node, S_IFREG | (mode & 07777) }));
            created = true;
        } else if (v->is_directory()) {
            return err(EISDIR);
        }
    }
    if (v->is_symlink() && !path_only)
        return err(ELOOP); // O_NOFOLLOW met a symlink
    if (is_sock(v->mode()) && !path_only)
        return err(ENXIO); // a socket is reached with connect(), not open()
    if ((flags & O_DIRECTORY) && !v->is_directory())
        return err(ENOTDIR);
    bool writer = false; // this open holds the vnode's write access
    if (!path_only) {
        int acc = flags & O_ACCMODE;
        // O_ACCMODE (3) is valid: it needs read and write permission and
        // grants neither (ioctl-only descriptors).
        bool wants_write = acc != O_RDONLY || (flags & O_TRUNC);
        if (v->is_directory() && wants_write)
            return err(EISDIR);
        // EROFS before EACCES: Linux's inode_permission asks the mount first.
        if (wants_write && v->fs().is_read_only() && (v->is_regular() || v->is_directory()))
            return err(EROFS);
        if (!created) {
            int mask = (acc != O_WRONLY ? R_OK : 0) | (wants_write ? W_OK : 0);
            TRY(check_access(*v, context.credentials, mask));
        }
        // A running program's file is not written (ETXTBSY), as Linux's
        // get_write_access after the permission check.
        if (wants_write && v->is_regular())
            TRY(v->get_write_access());
        writer = wants_write && v->is_regular();
        if ((flags & O_TRUNC) && v->is_regular() && !created) {
            AttrChange change;
            change.mask = AttrChange::Size;
            if (auto r = v->setattr(change); r.is_error()) {
                v->put_write_access();
                return r.error();
            }
        }
    }
    // Like Linux on 64-bit, regular opens report O_LARGEFILE; O_PATH ones do not.
    int status = (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOCTTY)) | (path_only ? 0 : O_LARGEFILE);
    auto device = path_only ? ErrorOr<RefPtr<File>>(RefPtr<File>()) : v->open_device(status);
    RefPtr<File> file = device.is_error() ? RefPtr<File>() : device.value();
    if (!device.is_error() && !file) {
        RefPtr<VnodeFile> plain = kstd::adopt_new<VnodeFile>(v, status);
        if (plain && writer) {
            plain->hold_write_access();
            writer = false;
        }
        file = plain;
    }
    if (writer)
        v->put_write_access(); // a device's own description, or none made
    if (device.is_error())
        return device.error();
    if (!file)
        return err(ENOMEM);
    if (!v->is_directory() && r.last == Resolved::Last::Normal)
        file->set_opened_at(r.parent, r.name_view()); // a directory's path is found from its '..'
    return file;
}

ErrorOr<RefPtr<Vnode>> Vfs::mknod(const PathContext& context, RefPtr<Vnode> base, StringView path, uint32_t mode, uint64_t rdev)
{
    uint32_t type = TRY(node_type(mode));
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    return create_name(context, r, { NewNode::Kind::Node, type | (mode & 07777), rdev });
}

ErrorOr<void> Vfs::mkdir(const PathContext& context, RefPtr<Vnode> base, StringView path, uint32_t mode)
{
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    TRY(create_name(context, r, { NewNode::Kind::Directory, mode & 07777 & ~(S_ISUID | S_ISGID) }));
    return {};
}

ErrorOr<void> Vfs::symlink(const PathContext& context, StringView target, RefPtr<Vnode> base, StringView path)
{
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    TRY(create_name(context, r, { NewNode::Kind::Symlink, 0777, 0, target }));
    return {};
}

ErrorOr<void> Vfs::link(const PathContext& context, Vnode& existing, RefPtr<Vnode> base, StringView path)
{
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    TRY(may_create(context, r, false));
    if (&r.parent->fs() != &existing.fs())
        return err(EXDEV);
    if (existing.is_directory())
        return err(EPERM);
    return r.parent->link(r.name_view(), existing);
}

ErrorOr<void> Vfs::unlink(const PathContext& context, RefPtr<Vnode> base, StringView path)
{
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    if (r.last != Last::Normal)
        return err(EISDIR);
    TRY(may_write_in(*r.parent));
    if (!r.vnode)
        return err(ENOENT);
    if (r.vnode->is_directory())
        return err(EISDIR);
    TRY(may_delete(context, *r.parent, *r.vnode));
    return r.parent->unlink(r.name_view());
}

ErrorOr<void> Vfs::rmdir(const PathContext& context, RefPtr<Vnode> base, StringView path)
{
    Resolved r = TRY(resolve(context, kstd::move(base), path, WantParent));
    if (r.last == Last::Dot)
        return err(EINVAL);
    if (r.last == Last::DotDot)
        return err(ENOTEMPTY);
    if (r.last == Last::Root)
        return err(EBUSY);
    TRY(may_write_in(*r.parent));
    if (!r.vnode)
        return err(ENOENT);
    if (!r.vnode->is_directory())
        return err(ENOTDIR);
    TRY(may_delete(context, *r.parent, *r.vnode));
    if (is_mount_point(*r.vnode) || r.vnode == context.root)
        return err(EBUSY);
    return r.parent->rmdir(r.name_view());
}

ErrorOr<void> Vfs::rename(const PathContext& context, RefPtr<Vnode> old_base, StringView old_path, RefPtr<Vnode> new_base,
                          StringView new_path, unsigned flags)
{
    Resolved from = TRY(resolve(context, kstd::move(old_base), old_path, WantParent));
    Resolved to = TRY(resolve(context, kstd::move(new_base), new_path, WantParent));
    if (&from.parent->fs() != &to.parent->fs())
        return err(EXDEV);
    if (from.last != Last::Normal)
        return err(EBUSY);
    if (to.last != Last::Normal)
        return err((flags & RENAME_NOREPLACE) ? EEXIST : EBUSY);
    TRY(may_write_in(*to.parent));
    if (!from.vnode)
        return err(ENOENT);
    if ((flags & RENAME_NOREPLACE) && to.vnode)
        return err(EEXIST);
    // The order of these checks is Linux's (do_renameat2, then vfs_rename).
    Vnode& source = *from.vnode;
    if (!source.is_directory() && (from.trailing_slash || to.trailing_slash))
        return err(ENOTDIR);
    // A directory cannot move below itself; a target cannot be an ancestor.
    if (TRY(is_ancestor(context, source, *to.parent)))
        return err(EINVAL);
    if (to.vnode && TRY(is_ancestor(context, *to.vnode, *from.parent)))
        return err(ENOTEMPTY);
    if (to.vnode == &source)
        return {};
    if (to.vnode && source.is_directory() && !to.vnode->is_directory())
        return err(ENOTDIR);
    if (to.vnode && !source.is_directory() && to.vnode->is_directory())
        return err(EISDIR);
    TRY(may_delete(context, *from.parent, source));
    if (to.vnode)
        TRY(may_delete(context, *to.parent, *to.vnode));
    else
        TRY(may_modify(context, *to.parent));
    if (is_mount_point(source) || (to.vnode && is_mount_point(*to.vnode)))
        return err(EBUSY);
    return from.parent->rename(from.name_view(), *to.parent, to.name_view());
}

ErrorOr<void> Vfs::may_enter(const PathContext& context, Vnode& dir)
{
    if (!dir.is_directory())
        return err(ENOTDIR);
    return check_access(dir, context.credentials, X_OK);
}

} // namespace husk
