#include "Helpers.h"
#include <husk/platform.h>
#include "../proc/Signals.h"
#include "../vfs/RecordLocks.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<void> copy_path(UserPtr<const char> user, PathBuffer& out)
{
    if (user.is_null())
        return err(EFAULT);
    long n = user_strncpy(out.chars, reinterpret_cast<const char*>(user.address()), sizeof out.chars);
    if (n < 0)
        return err(int(-n));
    return {};
}

ErrorOr<RefPtr<File>> file_of(int fd) { return Process::current().fds().get(fd); }

ErrorOr<RefPtr<Vnode>> base_dir(int dirfd, kstd::StringView path)
{
    Process& p = Process::current();
    if (!path.is_empty() && path[0] == '/')
        return p.root();
    if (dirfd == linux::AT_FDCWD)
        return p.cwd();
    RefPtr<File> f = TRY(p.fds().get(dirfd));
    Vnode* v = f->vnode();
    if (!v || !v->is_directory())
        return err(ENOTDIR);
    return RefPtr<Vnode>(v);
}

ErrorOr<void> copy_path_at(int dirfd, UserPtr<const char> path, PathAt& out)
{
    TRY(copy_path(path, out.path));
    if (out.view().is_empty())
        return err(ENOENT);
    out.base = TRY(base_dir(dirfd, out.view()));
    return {};
}

ErrorOr<Resolved> resolve_at(int dirfd, UserPtr<const char> path, unsigned flags)
{
    PathAt at;
    TRY(copy_path_at(dirfd, path, at));
    return Vfs::resolve(path_context(), at.base, at.view(), flags);
}

ErrorOr<RefPtr<Vnode>> vnode_at(int dirfd, UserPtr<const char> path, int at_flags, bool follow)
{
    PathBuffer buf;
    TRY(copy_path(path, buf));
    if (buf.view().is_empty()) {
        if (!(at_flags & linux::AT_EMPTY_PATH))
            return err(ENOENT);
        if (dirfd == linux::AT_FDCWD)
            return Process::current().cwd();
        RefPtr<File> f = TRY(file_of(dirfd));
        if (!f->vnode())
            return err(EBADF); // pipes have no vnode; stat them through fstat
        return RefPtr<Vnode>(f->vnode());
    }
    RefPtr<Vnode> base = TRY(base_dir(dirfd, buf.view()));
    Resolved r = TRY(Vfs::resolve(path_context(), base, buf.view(), follow ? FollowLast : 0));
    return r.vnode;
}

kstd::ErrorOr<uint64_t> copy_in_iovecs(UserPtr<const linux::iovec> uiov, size_t count, kstd::Vector<linux::iovec>& iov)
{
    if (!iov.resize(count))
        return kstd::err(kstd::ENOMEM);
    if (count)
        TRY(uiov.buffer().read_into(iov.data(), 0, sizeof(linux::iovec) * count));
    uint64_t total = 0;
    for (auto& v : iov) {
        if (v.iov_len > uint64_t(INT64_MAX) - total)
            return kstd::err(kstd::EINVAL);
        total += v.iov_len;
    }
    return total;
}

void release_posix_locks(FdTable& fds, int fd)
{
    auto f = fds.get(fd);
    if (!f.is_error() && f.value()->vnode())
        RecordLocks::release(*f.value()->vnode(), &Process::current());
}

uint64_t deadline_after(int64_t ns)
{
    uint64_t now = husk_plat_clock_monotonic();
    return ns < 0 ? UINT64_MAX : now + uint64_t(ns);
}

uint64_t deadline_after_ms(int timeout_ms) { return deadline_after(timeout_ms < 0 ? -1 : int64_t(timeout_ms) * 1000000); }

kstd::ErrorOr<int64_t> timeout_ns(UserPtr<const linux::timespec> ts)
{
    if (ts.is_null())
        return -1;
    uint64_t ns = TRY(timespec_to_ns(ts));
    return ns > uint64_t(INT64_MAX) ? -1 : int64_t(ns);
}

ErrorOr<long> with_sigpipe(File& f, ErrorOr<size_t> result, int msg_flags)
{
    if (!result.is_error())
        return long(result.value());
    if (result.error().code() == EPIPE && f.raises_sigpipe() && !(msg_flags & linux::MSG_NOSIGNAL))
        (void)Signals::send_to_current_thread(linux::SIGPIPE);
    return result.error();
}

} // namespace husk
