// dup, fcntl, ioctl, close_range: operations on the descriptor table.
#include "../vfs/Pipe.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using kstd::err;
using kstd::RefPtr;
using namespace kstd::errno_values;
using namespace linux;

SysResult sys_dup(int fd)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(fd));
    return TRY(fds.allocate(f, false));
}

SysResult sys_dup2(int oldfd, int newfd)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(oldfd));
    if (oldfd == newfd)
        return newfd;
    TRY(fds.install(newfd, f, false));
    return newfd;
}

SysResult sys_dup3(int oldfd, int newfd, int flags)
{
    if (flags & ~O_CLOEXEC)
        return err(EINVAL);
    if (oldfd == newfd)
        return err(EINVAL);
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(oldfd));
    TRY(fds.install(newfd, f, flags & O_CLOEXEC));
    return newfd;
}

SysResult sys_fcntl(int fd, int cmd, uint64_t arg)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(fd));
    if (f->is_path_only() && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL)
        return err(EBADF);
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if (arg >= uint64_t(fds.limit()))
            return err(EINVAL);
        return TRY(fds.allocate(f, cmd == F_DUPFD_CLOEXEC, int(arg)));
    }
    case F_GETFD:
        return TRY(fds.cloexec(fd)) ? FD_CLOEXEC : 0;
    case F_SETFD:
        TRY(fds.set_cloexec(fd, arg & FD_CLOEXEC));
        return 0;
    case F_GETFL:
        return f->status_flags();
    case F_SETFL:
        f->set_status_flags(int(arg));
        return 0;
    case F_GETPIPE_SZ:
        if (f->vnode())
            return err(EBADF);
        return long(Pipe::kCapacity);
    default:
        return err(EINVAL);
    }
}

SysResult sys_ioctl(int fd, unsigned long request, uint64_t arg)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(fd));
    if (f->is_path_only())
        return err(EBADF);
    switch (request) {
    case FIOCLEX:
    case FIONCLEX:
        TRY(fds.set_cloexec(fd, request == FIOCLEX));
        return 0;
    case FIONBIO: {
        int on = TRY(copy_in(UserPtr<int>(arg)));
        f->set_status_flags(on ? (f->status_flags() | O_NONBLOCK) : (f->status_flags() & ~O_NONBLOCK));
        return 0;
    }
    default:
        return TRY(f->ioctl(request, uintptr_t(arg)));
    }
}

SysResult sys_close_range(unsigned first, unsigned last, unsigned flags)
{
    constexpr unsigned kUnshare = 2, kCloexec = 4;
    if ((flags & ~(kUnshare | kCloexec)) || first > last)
        return err(EINVAL);
    auto& fds = Process::current().fds();
    unsigned end = kstd::min<unsigned>(last, unsigned(fds.limit() - 1));
    for (unsigned fd = first; fd <= end && fd >= first; ++fd) {
        if (flags & kCloexec)
            (void)fds.set_cloexec(int(fd), true);
        else
            (void)fds.close(int(fd));
    }
    return 0;
}

} // namespace husk
