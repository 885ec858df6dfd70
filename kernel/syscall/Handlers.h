// Every syscall handler, by family. Handlers read like the man page: copy
// arguments in, TRY each step, return the result. One file per family.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "UserPtr.h"

namespace husk {

using SysResult = kstd::ErrorOr<long>;
using UChar = UserPtr<const char>;

// file.cpp — opening, reading, writing, seeking, syncing
SysResult sys_read(int fd, UserPtr<void> buf, size_t count);
SysResult sys_write(int fd, UserPtr<const void> buf, size_t count);
SysResult sys_open(UChar path, int flags, uint32_t mode);
SysResult sys_openat(int dirfd, UChar path, int flags, uint32_t mode);
SysResult sys_creat(UChar path, uint32_t mode);
SysResult sys_close(int fd);
SysResult sys_lseek(int fd, int64_t offset, int whence);
SysResult sys_pread64(int fd, UserPtr<void> buf, size_t count, int64_t offset);
SysResult sys_pwrite64(int fd, UserPtr<const void> buf, size_t count, int64_t offset);
SysResult sys_readv(int fd, UserPtr<const linux::iovec> iov, int iovcnt);
SysResult sys_writev(int fd, UserPtr<const linux::iovec> iov, int iovcnt);
SysResult sys_preadv(int fd, UserPtr<const linux::iovec> iov, int iovcnt, int64_t offset);
SysResult sys_pwritev(int fd, UserPtr<const linux::iovec> iov, int iovcnt, int64_t offset);
SysResult sys_truncate(UChar path, int64_t length);
SysResult sys_ftruncate(int fd, int64_t length);
SysResult sys_fsync(int fd);
SysResult sys_fdatasync(int fd);
SysResult sys_sync();
SysResult sys_syncfs(int fd);

// fd.cpp — descriptor table operations
SysResult sys_dup(int fd);
SysResult sys_dup2(int oldfd, int newfd);
SysResult sys_dup3(int oldfd, int newfd, int flags);
SysResult sys_fcntl(int fd, int cmd, uint64_t arg);
SysResult sys_ioctl(int fd, unsigned long request, uint64_t arg);
SysResult sys_close_range(unsigned first, unsigned last, unsigned flags);

// stat.cpp — metadata: stat family, access, chmod/chown, utimensat, statfs
SysResult sys_stat(UChar path, UserPtr<linux::stat> st);
SysResult sys_fstat(int fd, UserPtr<linux::stat> st);
SysResult sys_lstat(UChar path, UserPtr<linux::stat> st);
SysResult sys_newfstatat(int dirfd, UChar path, UserPtr<linux::stat> st, int flags);
SysResult sys_statx(int dirfd, UChar path, int flags, unsigned mask, UserPtr<linux::statx> buf);
SysResult sys_access(UChar path, int mode);
SysResult sys_faccessat(int dirfd, UChar path, int mode);
SysResult sys_faccessat2(int dirfd, UChar path, int mode, int flags);
SysResult sys_readlink(UChar path, UserPtr<char> buf, size_t size);
SysResult sys_readlinkat(int dirfd, UChar path, UserPtr<char> buf, size_t size);
SysResult sys_chmod(UChar path, uint32_t mode);
SysResult sys_fchmod(int fd, uint32_t mode);
SysResult sys_fchmodat(int dirfd, UChar path, uint32_t mode);
SysResult sys_chown(UChar path, uint32_t uid, uint32_t gid);
SysResult sys_fchown(int fd, uint32_t uid, uint32_t gid);
SysResult sys_lchown(UChar path, uint32_t uid, uint32_t gid);
SysResult sys_fchownat(int dirfd, UChar path, uint32_t uid, uint32_t gid, int flags);
SysResult sys_umask(uint32_t mask);
SysResult sys_utimensat(int dirfd, UChar path, UserPtr<const linux::timespec> times, int flags);
SysResult sys_statfs(UChar path, UserPtr<linux::statfs> buf);
SysResult sys_fstatfs(int fd, UserPtr<linux::statfs> buf);

// namespace.cpp — the directory tree: create, remove, rename, link, cwd, mount
SysResult sys_mkdir(UChar path, uint32_t mode);
SysResult sys_mkdirat(int dirfd, UChar path, uint32_t mode);
SysResult sys_mknod(UChar path, uint32_t mode, uint64_t dev);
SysResult sys_mknodat(int dirfd, UChar path, uint32_t mode, uint64_t dev);
SysResult sys_rmdir(UChar path);
SysResult sys_unlink(UChar path);
SysResult sys_unlinkat(int dirfd, UChar path, int flags);
SysResult sys_rename(UChar oldpath, UChar newpath);
SysResult sys_renameat(int olddirfd, UChar oldpath, int newdirfd, UChar newpath);
SysResult sys_renameat2(int olddirfd, UChar oldpath, int newdirfd, UChar newpath, unsigned flags);
SysResult sys_link(UChar oldpath, UChar newpath);
SysResult sys_linkat(int olddirfd, UChar oldpath, int newdirfd, UChar newpath, int flags);
SysResult sys_symlink(UChar target, UChar linkpath);
SysResult sys_symlinkat(UChar target, int newdirfd, UChar linkpath);
SysResult sys_getdents64(int fd, UserPtr<void> dirp, size_t count);
SysResult sys_getcwd(UserPtr<char> buf, size_t size);
SysResult sys_chdir(UChar path);
SysResult sys_fchdir(int fd);
SysResult sys_chroot(UChar path);
SysResult sys_mount(UChar source, UChar target, UChar fstype, unsigned long flags, UserPtr<const void> data);
SysResult sys_umount2(UChar target, int flags);

// pipe.cpp
SysResult sys_pipe(UserPtr<int> fds);
SysResult sys_pipe2(UserPtr<int> fds, int flags);

// poll.cpp — poll, ppoll, select, pselect6
SysResult sys_poll(UserPtr<linux::pollfd> fds, uint64_t nfds, int timeout_ms);
SysResult sys_ppoll(UserPtr<linux::pollfd> fds, uint64_t nfds, UserPtr<const linux::timespec> timeout, UserPtr<const void> sigmask, size_t sigsetsize);
SysResult sys_select(int nfds, UserPtr<uint64_t> readfds, UserPtr<uint64_t> writefds, UserPtr<uint64_t> exceptfds, UserPtr<linux::timeval> timeout);
SysResult sys_pselect6(int nfds, UserPtr<uint64_t> readfds, UserPtr<uint64_t> writefds, UserPtr<uint64_t> exceptfds, UserPtr<const linux::timespec> timeout, UserPtr<const void> sigmask);

// time.cpp
SysResult sys_clock_gettime(int clock, UserPtr<linux::timespec> tp);
SysResult sys_clock_getres(int clock, UserPtr<linux::timespec> res);
SysResult sys_gettimeofday(UserPtr<linux::timeval> tv, UserPtr<void> tz);
SysResult sys_time(UserPtr<int64_t> t);
SysResult sys_nanosleep(UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem);
SysResult sys_clock_nanosleep(int clock, int flags, UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem);

// procinfo.cpp — who am I, what is this system
SysResult sys_getpid();
SysResult sys_getppid();
SysResult sys_gettid();
SysResult sys_getuid();
SysResult sys_geteuid();
SysResult sys_getgid();
SysResult sys_getegid();
SysResult sys_sched_yield();
SysResult sys_uname(UserPtr<linux::utsname> buf);
SysResult sys_sysinfo(UserPtr<linux::sysinfo> info);
SysResult sys_syslog(int type, UserPtr<char> buf, int len);
SysResult sys_getrandom(UserPtr<void> buf, size_t len, unsigned flags);

} // namespace husk
