// What most handlers start with: the current process, its files, a path
// copied in from the client, and *at() lookups relative to a dirfd.
#pragma once

#include "../proc/Process.h"
#include "../vfs/File.h"
#include "../kstd/Vector.h"
#include "../vfs/Vfs.h"
#include "../mm/UserPtr.h"

namespace husk {

struct PathBuffer {
    char chars[linux::PATH_MAX];
    kstd::StringView view() const { return kstd::StringView(chars); }
};

// Copies a NUL-terminated path (EFAULT, ENAMETOOLONG). An empty path is
// returned as empty; callers decide (ENOENT unless AT_EMPTY_PATH).
kstd::ErrorOr<void> copy_path(UserPtr<const char> user, PathBuffer& out);

kstd::ErrorOr<kstd::RefPtr<File>> file_of(int fd);
// A Usage as getrusage and wait4 give it (usage.cpp).
linux::rusage rusage_of(const Usage& u);
// The calling process's view of paths (root, cwd, credentials, umask).
inline PathContext path_context() { return Process::current().path_context(); }
// The directory relative paths start from: cwd for AT_FDCWD, else dirfd's.
kstd::ErrorOr<kstd::RefPtr<Vnode>> base_dir(int dirfd, kstd::StringView path);
// A path argument of an *at() call: copied in (ENOENT when empty), with
// the directory it starts from.
struct PathAt {
    kstd::RefPtr<Vnode> base;
    PathBuffer path;
    kstd::StringView view() const { return path.view(); }
};
kstd::ErrorOr<void> copy_path_at(int dirfd, UserPtr<const char> path, PathAt& out);
// Copies path in and resolves it relative to dirfd.
kstd::ErrorOr<Resolved> resolve_at(int dirfd, UserPtr<const char> path, unsigned flags);
// As resolve_at, honouring AT_EMPTY_PATH (then dirfd's own vnode).
kstd::ErrorOr<kstd::RefPtr<Vnode>> vnode_at(int dirfd, UserPtr<const char> path, int at_flags, bool follow);

// Copies count iovecs in and returns their total length; EINVAL when a
// length or the total exceeds what a ssize_t result can report. Callers
// check count against their own limit (readv: EINVAL, sendmsg: EMSGSIZE).
kstd::ErrorOr<uint64_t> copy_in_iovecs(UserPtr<const linux::iovec> uiov, size_t count, kstd::Vector<linux::iovec>& iov);

// A write-family call's result on f as the call returns it: EPIPE on a
// pipe or stream socket also raises SIGPIPE, unless msg_flags has
// MSG_NOSIGNAL (Linux).
kstd::ErrorOr<long> with_sigpipe(File& f, kstd::ErrorOr<size_t> result, int msg_flags = 0);

// Drops the current process's POSIX record locks on the file behind fd,
// which it is about to close (any close of the file releases them).
void release_posix_locks(FdTable& fds, int fd);

// A user timespec as nanoseconds (EINVAL when malformed; UINT64_MAX when
// too large to matter).
kstd::ErrorOr<uint64_t> timespec_to_ns(UserPtr<const linux::timespec> u);

// Timeouts of the waiting calls (poll, select, epoll_wait):
// a monotonic deadline ns from now, UINT64_MAX ("forever") when negative;
uint64_t deadline_after(int64_t ns);
// the same from milliseconds (negative: forever);
uint64_t deadline_after_ms(int timeout_ms);
// a user timespec as nanoseconds, -1 (forever) when null or too large to
// matter, EINVAL when malformed.
kstd::ErrorOr<int64_t> timeout_ns(UserPtr<const linux::timespec> ts);

} // namespace husk
