// The mount table and everything that walks across it: mounting, '..' at
// mount roots, path resolution (symlinks, ELOOP, trailing slashes) and the
// reverse walk behind getcwd. And the operations on names and metadata,
// each with its rules (permission, EROFS, types, the umask), which system
// calls reach through the caller's PathContext.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/String.h"
#include "../kstd/StringView.h"
#include "FileSystem.h"
#include "PathContext.h"
#include "Vnode.h"

namespace husk {

class File;

// A mounted file system, as /proc/PID/mounts and mountinfo show it.
struct Mount {
    FileSystem* fs;
    kstd::RefPtr<Vnode> root;
    kstd::RefPtr<Vnode> covered; // null for "/"
    unsigned long flags;
    Mount* next; // the list is in mount order, "/" first
    unsigned id;  // mountinfo's mount id, never reused
    kstd::String source; // what mount(2) was given ("none" when nothing)
    // The mount point's absolute path when mounted (from the VFS root; a
    // rename of a directory above it later is not seen).
    kstd::String point;
    // The mount the covered directory belongs to ("/": itself).
    Mount* parent() const;
};

// Vfs::resolve flags.
inline constexpr unsigned FollowLast = 1; // follow a symlink in the last component
inline constexpr unsigned WantParent = 2; // the last component may be missing; report its parent

struct Resolved {
    enum class Last { Normal, Dot, DotDot, Root };
    kstd::RefPtr<Vnode> parent;   // directory holding the last component (a followed link's target's)
    kstd::RefPtr<Vnode> vnode;    // null when WantParent and it does not exist
    char name[linux::NAME_MAX + 1] {};
    Last last { Last::Normal };
    bool trailing_slash { false };
    // An absolute path walked without a symlink, "." or "..": the path,
    // its repeated slashes aside, is where the file lives (no path_of).
    bool plain { false };
    kstd::StringView name_view() const { return kstd::StringView(name); }
};

class Vfs {
public:
    // source: the device or text mount(2) names it by ("none" when empty).
    static kstd::ErrorOr<void> mount_root(FileSystem* fs, kstd::StringView source);
    // Whether a file system may be mounted on target (ENOTDIR, EBUSY):
    // mount() checks it, and callers before they make the file system.
    static kstd::ErrorOr<void> may_mount_on(const Vnode& target);
    static kstd::ErrorOr<void> mount(FileSystem* fs, Vnode& target, unsigned long flags, kstd::StringView source);
    // target is the root of a mounted file system (what the mount point
    // shows). held(fs) says whether something outside the VFS (a process's
    // cwd or root) is inside it: EBUSY.
    static kstd::ErrorOr<void> unmount(Vnode& target, int flags, bool (*held)(const FileSystem&));
    static kstd::RefPtr<Vnode> root();
    static Mount* mounts(); // the first ("/"), then in mount order by next
    static kstd::ErrorOr<void> sync_all();
    // The directory at the absolute `path` (from the root, no symlinks,
    // "." or ".."), made with its missing parents (mode, owned by root):
    // what the kernel builds at boot.
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> make_directories(kstd::StringView path, uint32_t mode);

    // --- paths. A relative path starts at base, an absolute one at the
    // context's root.
    static kstd::ErrorOr<Resolved> resolve(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path, unsigned flags);
    // The directory '..' names from dir, crossing mounts, stopping at the root.
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> parent_of(const PathContext&, Vnode& dir);
    // Absolute path of dir as seen from the root. Returns its length.
    static kstd::ErrorOr<size_t> path_of(const PathContext&, Vnode& dir, char* buf, size_t size);
    // Whether ancestor is dir or one of dir's ancestors (rename loop check).
    static kstd::ErrorOr<bool> is_ancestor(const PathContext&, Vnode& ancestor, Vnode& dir);

    // --- names (VfsNames.cpp): the calls of the same names, after their
    // arguments are copied in and their flags decoded.
    // flags: O_* (an O_PATH open keeps only the flags O_PATH honours).
    static kstd::ErrorOr<kstd::RefPtr<File>> open(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path, int flags, uint32_t mode);
    // A regular file or a socket's name (bind() makes them here); FIFOs
    // and device nodes are EPERM for now.
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> mknod(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path, uint32_t mode, uint64_t rdev);
    static kstd::ErrorOr<void> mkdir(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path, uint32_t mode);
    static kstd::ErrorOr<void> symlink(const PathContext&, kstd::StringView target, kstd::RefPtr<Vnode> base, kstd::StringView path);
    static kstd::ErrorOr<void> link(const PathContext&, Vnode& existing, kstd::RefPtr<Vnode> base, kstd::StringView path);
    static kstd::ErrorOr<void> unlink(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path);
    static kstd::ErrorOr<void> rmdir(const PathContext&, kstd::RefPtr<Vnode> base, kstd::StringView path);
    // flags: 0 or linux::RENAME_NOREPLACE.
    static kstd::ErrorOr<void> rename(const PathContext&, kstd::RefPtr<Vnode> old_base, kstd::StringView old_path,
                                      kstd::RefPtr<Vnode> new_base, kstd::StringView new_path, unsigned flags);
    // chdir() and chroot() may enter dir: ENOTDIR, EACCES.
    static kstd::ErrorOr<void> may_enter(const PathContext&, Vnode& dir);

    // --- metadata (VfsAttributes.cpp): who may change what, then
    // Vnode::setattr.
    static kstd::ErrorOr<void> chmod(const PathContext&, Vnode&, uint32_t mode);
    // uid or gid -1: unchanged.
    static kstd::ErrorOr<void> chown(const PathContext&, Vnode&, uint32_t uid, uint32_t gid);
    // utimensat: times null for "now", else atime and mtime (UTIME_NOW, UTIME_OMIT).
    static kstd::ErrorOr<void> set_times(const PathContext&, Vnode&, const linux::timespec* times);
    // truncate() of a path, and ftruncate() of an open file.
    static kstd::ErrorOr<void> truncate(const PathContext&, Vnode&, uint64_t length);
    static kstd::ErrorOr<void> truncate(File&, uint64_t length);
    // access(): mask linux::R_OK | W_OK | X_OK, against the real ids unless effective_ids.
    static kstd::ErrorOr<void> access(const PathContext&, Vnode&, int mask, bool effective_ids);
};

} // namespace husk
