// Descriptors: open, close, I/O, dup, fcntl and the calls that only make
// sense on one kernel (copy_file_range, mmap, ioctl) — interposed for
// descriptors of the server, passed on for the host's.
#include <cstdarg>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>
#include "Remote.h"

using namespace husk::hijack;

extern "C" {
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
}

namespace husk::hijack {

int remote_open(const Route& r, int flags, unsigned mode)
{
    long rfd = Connection::call(SYS_openat, { word(r.dirfd), 0, word(flags), mode }, { path_arg(1, r.path) });
    if (rfd < 0)
        return int(to_errno(rfd));
    return RemoteFds::adopt(int(rfd), flags & O_CLOEXEC);
}

} // namespace husk::hijack

namespace {
bool takes_mode(int flags) { return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE; }

// Runs a descriptor call in the server when fd is one of its descriptors.
template<typename Host>
long on_fd(int fd, long nr, std::vector<uint64_t> rest, std::vector<Buffer> buffers, Host host)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return host();
    rest.insert(rest.begin(), word(rfd));
    return to_errno(Connection::call(nr, std::move(rest), buffers));
}
} // namespace

extern "C" {

// open's optional third argument.
#define MODE_ARGUMENT(flags, mode)            \
    unsigned mode = 0;                        \
    if (takes_mode(flags)) {                  \
        va_list ap;                           \
        va_start(ap, flags);                  \
        mode = va_arg(ap, unsigned);          \
        va_end(ap);                           \
    }

int openat(int dirfd, const char* path, int flags, ...)
{
    MODE_ARGUMENT(flags, mode);
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_open(r, flags, mode) : REAL(openat)(dirfd, path, flags, mode);
}

int open(const char* path, int flags, ...)
{
    MODE_ARGUMENT(flags, mode);
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_open(r, flags, mode) : REAL(open)(path, flags, mode);
}

// On x86-64 the 64 forms are the same functions under other names.
int open64(const char* path, int flags, ...)
{
    MODE_ARGUMENT(flags, mode);
    return open(path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...)
{
    MODE_ARGUMENT(flags, mode);
    return openat(dirfd, path, flags, mode);
}

// _FORTIFY_SOURCE's forms (no mode: O_CREAT is refused at compile time).
int __open_2(const char* path, int flags)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_open(r, flags, 0) : REAL(__open_2)(path, flags);
}
int __open64_2(const char* path, int flags) { return __open_2(path, flags); }
int __openat_2(int dirfd, const char* path, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_open(r, flags, 0) : REAL(__openat_2)(dirfd, path, flags);
}
int __openat64_2(int dirfd, const char* path, int flags) { return __openat_2(dirfd, path, flags); }

int creat(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

int close(int fd)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(close)(fd);
    RemoteFds::forget(fd);
    REAL(close)(fd);
    return rfd == RemoteFds::kStale ? 0 : int(to_errno(Connection::call(SYS_close, { word(rfd) })));
}

ssize_t read(int fd, void* buf, size_t n)
{
    n = n < kChunk ? n : kChunk;
    return on_fd(fd, SYS_read, { 0, n }, { out_count(1, buf, n) }, [&] { return REAL(read)(fd, buf, n); });
}

ssize_t write(int fd, const void* buf, size_t n)
{
    size_t m = n < kChunk ? n : kChunk;
    return on_fd(fd, SYS_write, { 0, m }, { in(1, buf, m) }, [&] { return REAL(write)(fd, buf, n); });
}

ssize_t pread(int fd, void* buf, size_t n, off_t off)
{
    size_t m = n < kChunk ? n : kChunk;
    return on_fd(fd, SYS_pread64, { 0, m, word(off) }, { out_count(1, buf, m) }, [&] { return REAL(pread)(fd, buf, n, off); });
}
ssize_t pread64(int fd, void* buf, size_t n, off_t off) { return pread(fd, buf, n, off); }

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off)
{
    size_t m = n < kChunk ? n : kChunk;
    return on_fd(fd, SYS_pwrite64, { 0, m, word(off) }, { in(1, buf, m) }, [&] { return REAL(pwrite)(fd, buf, n, off); });
}
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) { return pwrite(fd, buf, n, off); }

// Vectors go to the server as one buffer: one round trip.
ssize_t readv(int fd, const struct iovec* iov, int count)
{
    if (!RemoteFds::is_remote(fd))
        return REAL(readv)(fd, iov, count);
    size_t total = 0;
    for (int i = 0; i < count; ++i)
        total += iov[i].iov_len;
    std::vector<char> tmp(total < kChunk ? total : kChunk);
    ssize_t n = read(fd, tmp.data(), tmp.size());
    for (ssize_t at = 0, i = 0; n > 0 && at < n; ++i) {
        size_t k = std::min(iov[i].iov_len, size_t(n - at));
        std::memcpy(iov[i].iov_base, tmp.data() + at, k);
        at += ssize_t(k);
    }
    return n;
}

ssize_t writev(int fd, const struct iovec* iov, int count)
{
    if (!RemoteFds::is_remote(fd))
        return REAL(writev)(fd, iov, count);
    std::vector<char> tmp;
    for (int i = 0; i < count && tmp.size() < kChunk; ++i)
        tmp.insert(tmp.end(), static_cast<char*>(iov[i].iov_base), static_cast<char*>(iov[i].iov_base) + iov[i].iov_len);
    return write(fd, tmp.data(), tmp.size());
}

off_t lseek(int fd, off_t off, int whence)
{
    return on_fd(fd, SYS_lseek, { word(off), word(whence) }, {}, [&] { return REAL(lseek)(fd, off, whence); });
}
off_t lseek64(int fd, off_t off, int whence) { return lseek(fd, off, whence); }

int ftruncate(int fd, off_t len)
{
    return int(on_fd(fd, SYS_ftruncate, { word(len) }, {}, [&] { return REAL(ftruncate)(fd, len); }));
}
int ftruncate64(int fd, off_t len) { return ftruncate(fd, len); }

int fsync(int fd) { return int(on_fd(fd, SYS_fsync, {}, {}, [&] { return REAL(fsync)(fd); })); }
int fdatasync(int fd) { return int(on_fd(fd, SYS_fdatasync, {}, {}, [&] { return REAL(fdatasync)(fd); })); }
int syncfs(int fd) { return int(on_fd(fd, SYS_syncfs, {}, {}, [&] { return REAL(syncfs)(fd); })); }

ssize_t getdents64(int fd, void* buf, size_t n)
{
    size_t m = n < kChunk ? n : kChunk;
    return on_fd(fd, SYS_getdents64, { 0, m }, { out_count(1, buf, m) }, [&] { return REAL(getdents64)(fd, buf, n); });
}

int dup(int fd)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(dup)(fd);
    long copy = Connection::call(SYS_dup, { word(rfd) });
    return copy < 0 ? int(to_errno(copy)) : RemoteFds::adopt(int(copy), false);
}

int dup3(int fd, int to, int flags)
{
    int rfd = RemoteFds::lookup(fd);
    if (fd == to || (rfd == RemoteFds::kNone && !RemoteFds::is_remote(to)))
        return REAL(dup3)(fd, to, flags);
    long copy = rfd == RemoteFds::kNone ? -1 : Connection::call(SYS_dup, { word(rfd) });
    if (copy < 0 && rfd != RemoteFds::kNone)
        return int(to_errno(copy));
    if (int old = RemoteFds::lookup(to); old >= 0) { // dup2 closes what was at `to`
        RemoteFds::forget(to);
        Connection::call(SYS_close, { word(old) });
    }
    int r = REAL(dup3)(fd, to, flags);
    if (r < 0) {
        if (copy >= 0)
            Connection::call(SYS_close, { word(copy) });
        return r;
    }
    if (copy >= 0) {
        RemoteFds::set(to, int(copy));
        rebind_standard_stream(to);
    }
    return r;
}

int dup2(int fd, int to)
{
    if (fd == to) // valid fd: itself; else EBADF
        return RemoteFds::is_remote(fd) ? fd : REAL(dup2)(fd, to);
    return dup3(fd, to, 0);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(fcntl)(fd, cmd, arg);
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        long copy = Connection::call(SYS_dup, { word(rfd) });
        return copy < 0 ? int(to_errno(copy)) : RemoteFds::adopt(int(copy), cmd == F_DUPFD_CLOEXEC, int(arg));
    }
    case F_GETFD:
    case F_SETFD: // close-on-exec is the host descriptor's business
        return REAL(fcntl)(fd, cmd, arg);
    case F_GETFL:
    case F_SETFL:
        return int(to_errno(Connection::call(SYS_fcntl, { word(rfd), word(cmd), word(arg) })));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        auto* fl = reinterpret_cast<struct flock*>(arg);
        bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
        return int(to_errno(Connection::call(SYS_fcntl, { word(rfd), word(cmd), 0 },
                                             { { 2, husk::remote::kIn | (get ? husk::remote::kOut : 0u), fl, sizeof *fl } })));
    }
    default:
        errno = EINVAL;
        return -1;
    }
}
int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return fcntl(fd, cmd, arg);
}

int flock(int fd, int op)
{
    if (!RemoteFds::is_remote(fd))
        return REAL(flock)(fd, op);
    errno = ENOLCK; // whole-file flock locks are not kept by the server (fcntl locks are)
    return -1;
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    if (!RemoteFds::is_remote(fd))
        return REAL(ioctl)(fd, request, arg);
    errno = ENOTTY; // no terminals or clone ioctls among the server's files
    return -1;
}

int posix_fadvise(int fd, off_t off, off_t len, int advice)
{
    return RemoteFds::is_remote(fd) ? 0 : REAL(posix_fadvise)(fd, off, len, advice);
}
int posix_fadvise64(int fd, off_t off, off_t len, int advice) { return posix_fadvise(fd, off, len, advice); }

int posix_fallocate(int fd, off_t off, off_t len)
{
    return RemoteFds::is_remote(fd) ? EOPNOTSUPP : REAL(posix_fallocate)(fd, off, len);
}
int posix_fallocate64(int fd, off_t off, off_t len) { return posix_fallocate(fd, off, len); }

int fallocate(int fd, int mode, off_t off, off_t len)
{
    if (!RemoteFds::is_remote(fd))
        return REAL(fallocate)(fd, mode, off, len);
    errno = EOPNOTSUPP;
    return -1;
}

// Between the two kernels there is no shortcut: callers fall back to read/write.
ssize_t copy_file_range(int in_fd, off_t* in_off, int out_fd, off_t* out_off, size_t n, unsigned flags)
{
    if (!RemoteFds::is_remote(in_fd) && !RemoteFds::is_remote(out_fd))
        return REAL(copy_file_range)(in_fd, in_off, out_fd, out_off, n, flags);
    errno = EXDEV;
    return -1;
}

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t n)
{
    if (!RemoteFds::is_remote(in_fd) && !RemoteFds::is_remote(out_fd))
        return REAL(sendfile)(out_fd, in_fd, offset, n);
    std::vector<char> tmp(n < (1u << 20) ? n : (1u << 20));
    ssize_t got = offset ? pread(in_fd, tmp.data(), tmp.size(), *offset) : read(in_fd, tmp.data(), tmp.size());
    if (got <= 0)
        return got;
    ssize_t put = write(out_fd, tmp.data(), size_t(got));
    if (put > 0 && offset)
        *offset += put;
    else if (put >= 0 && put < got && !offset)
        lseek(in_fd, put - got, SEEK_CUR); // give back what was not sent
    return put;
}
ssize_t sendfile64(int out_fd, int in_fd, off_t* offset, size_t n) { return sendfile(out_fd, in_fd, offset, n); }

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if ((flags & MAP_ANONYMOUS) || !RemoteFds::is_remote(fd))
        return REAL(mmap)(addr, len, prot, flags, fd, off);
    errno = ENODEV; // the server's files cannot be mapped into this process
    return MAP_FAILED;
}
void* mmap64(void* addr, size_t len, int prot, int flags, int fd, off_t off) { return mmap(addr, len, prot, flags, fd, off); }

} // extern "C"
