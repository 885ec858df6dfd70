// The stat family, access, ownership, modes, times, file system statistics
// and extended attributes of paths and descriptors in the server.
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>
#include "Remote.h"

using namespace husk::hijack;

// The pre-2.33 glibc entry points older binaries still call.
extern "C" {
int __xstat(int ver, const char* path, struct stat* st);
int __lxstat(int ver, const char* path, struct stat* st);
int __fxstat(int ver, int fd, struct stat* st);
int __fxstatat(int ver, int dirfd, const char* path, struct stat* st, int flags);
int __xstat64(int ver, const char* path, struct stat64* st);
int __lxstat64(int ver, const char* path, struct stat64* st);
int __fxstat64(int ver, int fd, struct stat64* st);
int __fxstatat64(int ver, int dirfd, const char* path, struct stat64* st, int flags);
}

namespace {
// The kernel's struct stat is the C library's on x86-64.
static_assert(sizeof(struct stat) == 144 && sizeof(struct stat64) == 144);

// The kernel's device numbers are its own (0:N, as Linux's anonymous
// ones) and would match a host mount's: df and find -xdev compare them
// with the host's /proc/self/mountinfo. They are shown under a major
// Linux reserves for local use (devices.txt: block 120-127), which no
// host mount has.
constexpr unsigned kHuskMajor = 120;

long as_husk_device(long r, void* st)
{
    if (r == 0) {
        auto* s = static_cast<struct stat*>(st);
        s->st_dev = makedev(kHuskMajor, minor(s->st_dev));
    }
    return r;
}

long remote_fstatat(const Route& r, void* st, int flags)
{
    return as_husk_device(to_errno(Connection::call(SYS_newfstatat, { word(r.dirfd), 0, 0, word(flags) },
                                                    { path_arg(1, r.path), out(2, st, sizeof(struct stat)) })),
                          st);
}

long remote_fstat(int rfd, void* st)
{
    return as_husk_device(to_errno(Connection::call(SYS_fstat, { word(rfd), 0 }, { out(1, st, sizeof(struct stat)) })),
                          st);
}

long remote_statfs(const Route* r, int rfd, struct statfs* s)
{
    if (r)
        return to_errno(Connection::call(SYS_statfs, { 0, 0 }, { path_arg(0, r->path), out(1, s, sizeof *s) }));
    return to_errno(Connection::call(SYS_fstatfs, { word(rfd), 0 }, { out(1, s, sizeof *s) }));
}

void to_statvfs(const struct statfs& s, struct statvfs* v)
{
    std::memset(v, 0, sizeof *v);
    v->f_bsize = s.f_bsize;
    v->f_frsize = s.f_frsize ? s.f_frsize : s.f_bsize;
    v->f_blocks = s.f_blocks;
    v->f_bfree = s.f_bfree;
    v->f_bavail = s.f_bavail;
    v->f_files = s.f_files;
    v->f_ffree = s.f_ffree;
    v->f_favail = s.f_ffree;
    std::memcpy(&v->f_fsid, &s.f_fsid, sizeof(int));
    v->f_flag = s.f_flags & ~0x20ul; // without ST_VALID, as glibc does
    v->f_namemax = s.f_namelen;
}

long remote_utimens(const Route& r, const struct timespec* times, int flags)
{
    std::vector<Buffer> b { path_arg(1, r.path) };
    if (times)
        b.push_back(in(2, times, 2 * sizeof *times));
    return to_errno(Connection::call(SYS_utimensat, { word(r.dirfd), 0, 0, word(flags) }, b));
}

// The server's faccessat has no flags: AT_EACCESS is the same check for its
// clients (one identity), AT_SYMLINK_NOFOLLOW is rare.
int remote_access(const Route& r, int mode)
{
    return int(to_errno(Connection::call(SYS_faccessat, { word(r.dirfd), 0, word(mode) }, { path_arg(1, r.path) })));
}

int remote_chmod(const Route& r, mode_t mode)
{
    return int(to_errno(Connection::call(SYS_fchmodat, { word(r.dirfd), 0, mode }, { path_arg(1, r.path) })));
}

int remote_chown(const Route& r, uid_t uid, gid_t gid, int flags)
{
    return int(to_errno(
        Connection::call(SYS_fchownat, { word(r.dirfd), 0, uid, gid, word(flags) }, { path_arg(1, r.path) })));
}

// Paths or descriptors with no extended attributes in the server.
long no_xattrs()
{
    errno = ENOTSUP;
    return -1;
}
} // namespace

extern "C" {

int stat(const char* path, struct stat* st)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? int(remote_fstatat(r, st, 0)) : REAL(stat)(path, st);
}
int lstat(const char* path, struct stat* st)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? int(remote_fstatat(r, st, AT_SYMLINK_NOFOLLOW)) : REAL(lstat)(path, st);
}
int fstat(int fd, struct stat* st)
{
    int rfd = RemoteFds::lookup(fd);
    return rfd != RemoteFds::kNone ? int(remote_fstat(rfd, st)) : REAL(fstat)(fd, st);
}
int fstatat(int dirfd, const char* path, struct stat* st, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? int(remote_fstatat(r, st, flags)) : REAL(fstatat)(dirfd, path, st, flags);
}
int stat64(const char* path, struct stat64* st) { return stat(path, reinterpret_cast<struct stat*>(st)); }
int lstat64(const char* path, struct stat64* st) { return lstat(path, reinterpret_cast<struct stat*>(st)); }
int fstat64(int fd, struct stat64* st) { return fstat(fd, reinterpret_cast<struct stat*>(st)); }
int fstatat64(int dirfd, const char* path, struct stat64* st, int flags)
{
    return fstatat(dirfd, path, reinterpret_cast<struct stat*>(st), flags);
}
int __xstat(int, const char* path, struct stat* st) { return stat(path, st); }
int __lxstat(int, const char* path, struct stat* st) { return lstat(path, st); }
int __fxstat(int, int fd, struct stat* st) { return fstat(fd, st); }
int __fxstatat(int, int dirfd, const char* path, struct stat* st, int flags) { return fstatat(dirfd, path, st, flags); }
int __xstat64(int, const char* path, struct stat64* st) { return stat64(path, st); }
int __lxstat64(int, const char* path, struct stat64* st) { return lstat64(path, st); }
int __fxstat64(int, int fd, struct stat64* st) { return fstat64(fd, st); }
int __fxstatat64(int, int dirfd, const char* path, struct stat64* st, int flags)
{
    return fstatat64(dirfd, path, st, flags);
}

int statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* stx)
{
    Route r = PathRouter::route(dirfd, path);
    if (!r.remote)
        return REAL(statx)(dirfd, path, flags, mask, stx);
    long result = to_errno(Connection::call(SYS_statx, { word(r.dirfd), 0, word(flags), mask, 0 },
                                            { path_arg(1, r.path), out(4, stx, sizeof *stx) }));
    if (result == 0)
        stx->stx_dev_major = kHuskMajor;
    return int(result);
}

int faccessat(int dirfd, const char* path, int mode, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_access(r, mode) : REAL(faccessat)(dirfd, path, mode, flags);
}
int access(const char* path, int mode)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_access(r, mode) : REAL(access)(path, mode);
}
int euidaccess(const char* path, int mode)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_access(r, mode) : REAL(euidaccess)(path, mode);
}
int eaccess(const char* path, int mode) { return euidaccess(path, mode); }

int fchmodat(int dirfd, const char* path, mode_t mode, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_chmod(r, mode) : REAL(fchmodat)(dirfd, path, mode, flags);
}
int chmod(const char* path, mode_t mode)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_chmod(r, mode) : REAL(chmod)(path, mode);
}
int fchmod(int fd, mode_t mode)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(fchmod)(fd, mode);
    return int(to_errno(Connection::call(SYS_fchmod, { word(rfd), mode })));
}

int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? remote_chown(r, uid, gid, flags) : REAL(fchownat)(dirfd, path, uid, gid, flags);
}
int chown(const char* path, uid_t uid, gid_t gid)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_chown(r, uid, gid, 0) : REAL(chown)(path, uid, gid);
}
int lchown(const char* path, uid_t uid, gid_t gid)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? remote_chown(r, uid, gid, AT_SYMLINK_NOFOLLOW) : REAL(lchown)(path, uid, gid);
}
int fchown(int fd, uid_t uid, gid_t gid)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(fchown)(fd, uid, gid);
    return remote_chown(Route { true, rfd, "" }, uid, gid, AT_EMPTY_PATH);
}

int utimensat(int dirfd, const char* path, const struct timespec times[2], int flags)
{
    Route r = PathRouter::route(dirfd, path);
    return r.remote ? int(remote_utimens(r, times, flags)) : REAL(utimensat)(dirfd, path, times, flags);
}
int futimens(int fd, const struct timespec times[2])
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(futimens)(fd, times);
    return int(remote_utimens(Route { true, rfd, "" }, times, AT_EMPTY_PATH));
}
int utimes(const char* path, const struct timeval tv[2])
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(utimes)(path, tv);
    struct timespec ts[2];
    if (tv)
        for (int i = 0; i < 2; ++i)
            ts[i] = { tv[i].tv_sec, tv[i].tv_usec * 1000 };
    return int(remote_utimens(r, tv ? ts : nullptr, 0));
}
int utime(const char* path, const struct utimbuf* times)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(utime)(path, times);
    struct timespec ts[2] = { { times ? times->actime : 0, 0 }, { times ? times->modtime : 0, 0 } };
    return int(remote_utimens(r, times ? ts : nullptr, 0));
}

int truncate(const char* path, off_t len)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(truncate)(path, len);
    return int(to_errno(Connection::call(SYS_truncate, { 0, word(len) }, { path_arg(0, r.path) })));
}
int truncate64(const char* path, off_t len) { return truncate(path, len); }

int statfs(const char* path, struct statfs* s)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    return r.remote ? int(remote_statfs(&r, 0, s)) : REAL(statfs)(path, s);
}
int fstatfs(int fd, struct statfs* s)
{
    int rfd = RemoteFds::lookup(fd);
    return rfd != RemoteFds::kNone ? int(remote_statfs(nullptr, rfd, s)) : REAL(fstatfs)(fd, s);
}
int statfs64(const char* path, struct statfs64* s) { return statfs(path, reinterpret_cast<struct statfs*>(s)); }
int fstatfs64(int fd, struct statfs64* s) { return fstatfs(fd, reinterpret_cast<struct statfs*>(s)); }
int statvfs(const char* path, struct statvfs* v)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(statvfs)(path, v);
    struct statfs s;
    if (remote_statfs(&r, 0, &s) < 0)
        return -1;
    to_statvfs(s, v);
    return 0;
}
int fstatvfs(int fd, struct statvfs* v)
{
    int rfd = RemoteFds::lookup(fd);
    if (rfd == RemoteFds::kNone)
        return REAL(fstatvfs)(fd, v);
    struct statfs s;
    if (remote_statfs(nullptr, rfd, &s) < 0)
        return -1;
    to_statvfs(s, v);
    return 0;
}
int statvfs64(const char* path, struct statvfs64* v) { return statvfs(path, reinterpret_cast<struct statvfs*>(v)); }
int fstatvfs64(int fd, struct statvfs64* v) { return fstatvfs(fd, reinterpret_cast<struct statvfs*>(v)); }

ssize_t getxattr(const char* path, const char* name, void* value, size_t size)
{
    return PathRouter::route(AT_FDCWD, path).remote ? no_xattrs() : REAL(getxattr)(path, name, value, size);
}
ssize_t lgetxattr(const char* path, const char* name, void* value, size_t size)
{
    return PathRouter::route(AT_FDCWD, path).remote ? no_xattrs() : REAL(lgetxattr)(path, name, value, size);
}
ssize_t fgetxattr(int fd, const char* name, void* value, size_t size)
{
    return RemoteFds::is_remote(fd) ? no_xattrs() : REAL(fgetxattr)(fd, name, value, size);
}
ssize_t listxattr(const char* path, char* list, size_t size)
{
    return PathRouter::route(AT_FDCWD, path).remote ? no_xattrs() : REAL(listxattr)(path, list, size);
}
ssize_t llistxattr(const char* path, char* list, size_t size)
{
    return PathRouter::route(AT_FDCWD, path).remote ? no_xattrs() : REAL(llistxattr)(path, list, size);
}
ssize_t flistxattr(int fd, char* list, size_t size)
{
    return RemoteFds::is_remote(fd) ? no_xattrs() : REAL(flistxattr)(fd, list, size);
}

} // extern "C"
