// dup, fcntl, ioctl, close_range, flock: operations on the descriptor table.
#include "../vfs/Pipe.h"
#include "../vfs/AsyncFiles.h"
#include "../vfs/FlockLocks.h"
#include "../vfs/RecordLocks.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

SysResult sys_dup(int fd)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(fd));
    return TRY(fds.allocate(f, false));
}

namespace {
// F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms.
SysResult record_lock(File& f, int cmd, UserPtr<linux::flock> arg)
{
    linux::flock fl = TRY(copy_in(arg));
    Vnode* v = f.vnode();
    if (!v || f.is_path_only())
        return err(EBADF);
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (ofd && fl.l_pid != 0)
        return err(EINVAL);
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
        return err(EINVAL);
    bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
    if (!get && ((fl.l_type == F_RDLCK && !f.is_readable()) || (fl.l_type == F_WRLCK && !f.is_writable())))
        return err(EBADF);
    int64_t base;
    switch (fl.l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = int64_t(TRY(f.seek(0, SEEK_CUR))); break;
    case SEEK_END: base = int64_t(v->size()); break;
    default: return err(EINVAL);
    }
    int64_t start;
    if (__builtin_add_overflow(base, fl.l_start, &start))
        return err(EOVERFLOW);
    uint64_t end = UINT64_MAX;
    if (fl.l_len > 0) {
        int64_t last;
        if (__builtin_add_overflow(start, fl.l_len - 1, &last))
            return err(EOVERFLOW);
        end = uint64_t(last);
    } else if (fl.l_len < 0) {
        end = uint64_t(start - 1);
        start += fl.l_len;
    }
    if (start < 0)
        return err(EINVAL);
    Process& p = Process::current();
    RecordLocks::Owner owner { ofd ? static_cast<const void*>(&f) : &p, p.pid(), ofd };
    RecordLocks::Request req { fl.l_type, uint64_t(start), end };
    if (!get) {
        TRY(RecordLocks::set(*v, owner, req, cmd == F_SETLKW || cmd == F_OFD_SETLKW));
        return 0;
    }
    if (fl.l_type == F_UNLCK)
        return err(EINVAL);
    RecordLocks::Conflict c;
    if (!RecordLocks::find_conflict(*v, owner, req, c)) {
        fl.l_type = F_UNLCK;
    } else {
        fl.l_type = c.type;
        fl.l_whence = SEEK_SET;
        fl.l_start = int64_t(c.start);
        fl.l_len = c.end == UINT64_MAX ? 0 : int64_t(c.end - c.start + 1);
        fl.l_pid = c.pid;
    }
    TRY(copy_out(arg, fl));
    return 0;
}
} // namespace

SysResult sys_dup2(int oldfd, int newfd)
{
    auto& fds = Process::current().fds();
    RefPtr<File> f = TRY(fds.get(oldfd));
    if (oldfd == newfd)
        return newfd;
    release_posix_locks(fds, newfd);
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
    release_posix_locks(fds, newfd);
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
        // O_ASYNC goes through the file's async support (Linux's fasync);
        // a file without it keeps the flag clear, silently, as Linux.
        if ((int(arg) ^ f->status_flags()) & O_ASYNC) {
            if (auto r = AsyncFiles::enable(*f, fd, int(arg) & O_ASYNC); r.is_error() && r.error().code() != ENOTTY)
                return r.error();
        }
        f->set_status_flags(int(arg));
        return 0;
    case F_SETOWN:
        f->set_async_owner(int32_t(arg));
        return 0;
    case F_GETOWN:
        return f->async_owner();
    case F_SETOWN_EX: {
        auto owner = TRY(copy_in(UserPtr<const linux::f_owner_ex>(arg)));
        if (owner.type == F_OWNER_TID || owner.type == F_OWNER_PID)
            f->set_async_owner(owner.pid); // a thread's signal goes to its process (one CPU: the same)
        else if (owner.type == F_OWNER_PGRP)
            f->set_async_owner(-owner.pid);
        else
            return err(EINVAL);
        return 0;
    }
    case F_GETOWN_EX: {
        int32_t owner = f->async_owner();
        linux::f_owner_ex out { owner < 0 ? F_OWNER_PGRP : F_OWNER_PID, owner < 0 ? -owner : owner };
        TRY(copy_out(UserPtr<linux::f_owner_ex>(arg), out));
        return 0;
    }
    case F_SETSIG:
        if (arg > 64)
            return err(EINVAL);
        f->set_async_signal(int(arg));
        return 0;
    case F_GETSIG:
        return f->async_signal();
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return record_lock(*f, cmd, UserPtr<linux::flock>(arg));
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
    case FIOASYNC: {
        int on = TRY(copy_in(UserPtr<int>(arg)));
        TRY(AsyncFiles::enable(*f, fd, on != 0));
        return 0;
    }
    case FIONBIO: {
        int on = TRY(copy_in(UserPtr<int>(arg)));
        f->set_status_flags(on ? (f->status_flags() | O_NONBLOCK) : (f->status_flags() & ~O_NONBLOCK));
        return 0;
    }
    default:
        return TRY(f->ioctl(request, IoBuffer::user(uintptr_t(arg))));
    }
}

SysResult sys_close_range(unsigned first, unsigned last, unsigned flags)
{
    constexpr unsigned kUnshare = 2, kCloexec = 4;
    if ((flags & ~(kUnshare | kCloexec)) || first > last)
        return err(EINVAL);
    auto& fds = Process::current().fds();
    if (fds.end() == 0 || first >= fds.end())
        return 0;
    unsigned end = kstd::min<unsigned>(last, unsigned(fds.end() - 1));
    for (unsigned fd = first; fd <= end; ++fd) {
        if (flags & kCloexec)
            (void)fds.set_cloexec(int(fd), true);
        else {
            release_posix_locks(fds, int(fd));
            (void)fds.close(int(fd));
        }
    }
    return 0;
}

SysResult sys_flock(int fd, int operation)
{
    RefPtr<File> f = TRY(file_of(fd));
    const void* file = f->vnode() ? static_cast<const void*>(f->vnode()) : f.ptr();
    bool wait = !(operation & LOCK_NB);
    switch (operation & ~LOCK_NB) {
    case LOCK_SH: TRY(FlockLocks::lock(file, f.ptr(), false, wait)); return 0;
    case LOCK_EX: TRY(FlockLocks::lock(file, f.ptr(), true, wait)); return 0;
    case LOCK_UN: FlockLocks::unlock(file, f.ptr()); return 0;
    default: return err(EINVAL);
    }
}

} // namespace husk
