// The mount table and everything that walks across it: mounting, '..' at
// mount roots, path resolution (symlinks, ELOOP, trailing slashes) and the
// reverse walk behind getcwd.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/StringView.h"
#include "FileSystem.h"
#include "Vnode.h"

namespace husk {

class Process;

struct Mount {
    FileSystem* fs;
    kstd::RefPtr<Vnode> root;
    kstd::RefPtr<Vnode> covered; // null for "/"
    unsigned long flags;
    Mount* next;
};

// Vfs::resolve flags.
inline constexpr unsigned FollowLast = 1; // follow a symlink in the last component
inline constexpr unsigned WantParent = 2; // the last component may be missing; report its parent

struct Resolved {
    enum class Last { Normal, Dot, DotDot, Root };
    kstd::RefPtr<Vnode> parent;   // directory holding the last component
    kstd::RefPtr<Vnode> vnode;    // null when WantParent and it does not exist
    char name[linux::NAME_MAX + 1] {};
    Last last { Last::Normal };
    bool trailing_slash { false };
    kstd::StringView name_view() const { return kstd::StringView(name); }
};

class Vfs {
public:
    static kstd::ErrorOr<void> mount_root(FileSystem* fs);
    static kstd::ErrorOr<void> mount(FileSystem* fs, Vnode& target, unsigned long flags);
    // target is the root of a mounted file system (what the mount point shows).
    static kstd::ErrorOr<void> unmount(Vnode& target, int flags);
    static kstd::RefPtr<Vnode> root();
    static Mount* mounts();
    static kstd::ErrorOr<void> sync_all();
    // The directory at the absolute `path` (from the root, no symlinks,
    // "." or ".."), made with its missing parents (mode, owned by root):
    // what the kernel builds at boot.
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> make_directories(kstd::StringView path, uint32_t mode);

    static kstd::ErrorOr<Resolved> resolve(Process& p, kstd::RefPtr<Vnode> base, kstd::StringView path, unsigned flags);
    // The directory '..' names from dir, crossing mounts, stopping at p's root.
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> parent_of(Process& p, Vnode& dir);
    // Absolute path of dir as seen from p's root. Returns its length.
    static kstd::ErrorOr<size_t> path_of(Process& p, Vnode& dir, char* buf, size_t size);
    // Whether ancestor is dir or one of dir's ancestors (rename loop check).
    static kstd::ErrorOr<bool> is_ancestor(Process& p, Vnode& ancestor, Vnode& dir);
};

} // namespace husk
