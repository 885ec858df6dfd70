// Every syscall handler, by family. Handlers read like the man page: copy
// arguments in, TRY each step, return the result. One file per family.
#pragma once

#include "../abi/Ipc.h"
#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "../mm/UserPtr.h"

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
SysResult sys_sendfile(int out_fd, int in_fd, UserPtr<int64_t> offset, size_t count);
SysResult sys_preadv2(int fd, UserPtr<const linux::iovec> iov, int iovcnt, int64_t offset, int64_t offset_high, int flags);
SysResult sys_pwritev2(int fd, UserPtr<const linux::iovec> iov, int iovcnt, int64_t offset, int64_t offset_high, int flags);

// filerange.cpp — copy_file_range and the advice calls about file data
SysResult sys_copy_file_range(int fd_in, UserPtr<int64_t> off_in, int fd_out, UserPtr<int64_t> off_out, size_t len,
                              unsigned flags);
SysResult sys_fadvise64(int fd, int64_t offset, int64_t len, int advice);
SysResult sys_readahead(int fd, int64_t offset, size_t count);
SysResult sys_sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned flags);
SysResult sys_fallocate(int fd, int mode, int64_t offset, int64_t len);

// memfd.cpp
SysResult sys_memfd_create(UChar name, unsigned flags);

// timer.cpp
SysResult sys_timer_create(int clock, UserPtr<const void> event, UserPtr<int32_t> id_out);
SysResult sys_timer_settime(int id, int flags, UserPtr<const void> new_value, UserPtr<void> old_value);
SysResult sys_timer_gettime(int id, UserPtr<void> cur);
SysResult sys_timer_getoverrun(int id);
SysResult sys_timer_delete(int id);

// timerfd.cpp
SysResult sys_timerfd_create(int clock, int flags);
SysResult sys_timerfd_settime(int fd, int flags, UserPtr<const void> new_value, UserPtr<void> old_value);
SysResult sys_timerfd_gettime(int fd, UserPtr<void> cur);

// mmsg.cpp — several messages in one call
SysResult sys_sendmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, int flags);
SysResult sys_recvmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, int flags, UserPtr<linux::timespec> timeout);

// fd.cpp — descriptor table operations
SysResult sys_dup(int fd);
SysResult sys_dup2(int oldfd, int newfd);
SysResult sys_dup3(int oldfd, int newfd, int flags);
SysResult sys_fcntl(int fd, int cmd, uint64_t arg);
SysResult sys_ioctl(int fd, unsigned long request, uint64_t arg);
SysResult sys_close_range(unsigned first, unsigned last, unsigned flags);
SysResult sys_flock(int fd, int operation);

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
SysResult sys_utimes(UChar path, UserPtr<const linux::timeval> times);
SysResult sys_futimesat(int dirfd, UChar path, UserPtr<const linux::timeval> times);
SysResult sys_utime(UChar path, UserPtr<const int64_t> times);
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
SysResult sys_getdents(int fd, UserPtr<void> dirp, size_t count);
SysResult sys_getcwd(UserPtr<char> buf, size_t size);
SysResult sys_chdir(UChar path);
SysResult sys_fchdir(int fd);
SysResult sys_chroot(UChar path);
SysResult sys_mount(UChar source, UChar target, UChar fstype, unsigned long flags, UserPtr<const void> data);
SysResult sys_umount2(UChar target, int flags);

// ipc.cpp — System V IPC: shared memory, semaphores, message queues
SysResult sys_shmget(int32_t key, size_t size, int flags);
SysResult sys_shmat(int id, uint64_t addr, int flags);
SysResult sys_shmdt(uint64_t addr);
SysResult sys_shmctl(int id, int cmd, UserPtr<void> buf);
SysResult sys_semget(int32_t key, int nsems, int flags);
SysResult sys_semop(int id, UserPtr<const linux::sembuf> ops, unsigned nsops);
SysResult sys_semtimedop(int id, UserPtr<const linux::sembuf> ops, unsigned nsops, UserPtr<const linux::timespec> timeout);
SysResult sys_semctl(int id, int semnum, int cmd, uint64_t arg);
SysResult sys_msgget(int32_t key, int flags);
SysResult sys_msgsnd(int id, UserPtr<const void> msgp, size_t size, int flags);
SysResult sys_msgrcv(int id, UserPtr<void> msgp, size_t size, long type, int flags);
SysResult sys_msgctl(int id, int cmd, UserPtr<void> buf);

// pipe.cpp
SysResult sys_pipe(UserPtr<int> fds);
SysResult sys_pipe2(UserPtr<int> fds, int flags);

// epoll.cpp — epoll and eventfd
SysResult sys_epoll_create(int size);
SysResult sys_epoll_create1(int flags);
SysResult sys_epoll_ctl(int epfd, int op, int fd, UserPtr<linux::epoll_event> event);
SysResult sys_epoll_wait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, int timeout_ms);
SysResult sys_epoll_pwait(int epfd, UserPtr<linux::epoll_event> events, int maxevents, int timeout_ms,
                          UserPtr<const uint64_t> sigmask, size_t sigsetsize);
SysResult sys_epoll_pwait2(int epfd, UserPtr<linux::epoll_event> events, int maxevents,
                           UserPtr<const linux::timespec> timeout, UserPtr<const uint64_t> sigmask, size_t sigsetsize);
SysResult sys_eventfd(unsigned initval);
SysResult sys_eventfd2(unsigned initval, int flags);

// poll.cpp — poll, ppoll, select, pselect6
SysResult sys_poll(UserPtr<linux::pollfd> fds, uint64_t nfds, int timeout_ms);
SysResult sys_ppoll(UserPtr<linux::pollfd> fds, uint64_t nfds, UserPtr<const linux::timespec> timeout, UserPtr<const uint64_t> sigmask, size_t sigsetsize);
SysResult sys_select(int nfds, UserPtr<uint64_t> readfds, UserPtr<uint64_t> writefds, UserPtr<uint64_t> exceptfds, UserPtr<linux::timeval> timeout);
SysResult sys_pselect6(int nfds, UserPtr<uint64_t> readfds, UserPtr<uint64_t> writefds, UserPtr<uint64_t> exceptfds, UserPtr<const linux::timespec> timeout, UserPtr<const uint64_t> sigmask);

// time.cpp
SysResult sys_clock_gettime(int clock, UserPtr<linux::timespec> tp);
SysResult sys_clock_getres(int clock, UserPtr<linux::timespec> res);
SysResult sys_gettimeofday(UserPtr<linux::timeval> tv, UserPtr<void> tz);
SysResult sys_time(UserPtr<int64_t> t);
SysResult sys_nanosleep(UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem);
SysResult sys_clock_nanosleep(int clock, int flags, UserPtr<const linux::timespec> req, UserPtr<linux::timespec> rem);

// xattr.cpp — extended attributes (none stored)
SysResult sys_getxattr(UChar path, UChar name, UserPtr<void> value, size_t size);
SysResult sys_lgetxattr(UChar path, UChar name, UserPtr<void> value, size_t size);
SysResult sys_fgetxattr(int fd, UChar name, UserPtr<void> value, size_t size);
SysResult sys_setxattr(UChar path, UChar name, UserPtr<const void> value, size_t size, int flags);
SysResult sys_lsetxattr(UChar path, UChar name, UserPtr<const void> value, size_t size, int flags);
SysResult sys_fsetxattr(int fd, UChar name, UserPtr<const void> value, size_t size, int flags);
SysResult sys_listxattr(UChar path, UserPtr<char> list, size_t size);
SysResult sys_llistxattr(UChar path, UserPtr<char> list, size_t size);
SysResult sys_flistxattr(int fd, UserPtr<char> list, size_t size);
SysResult sys_removexattr(UChar path, UChar name);
SysResult sys_lremovexattr(UChar path, UChar name);
SysResult sys_fremovexattr(int fd, UChar name);

// procinfo.cpp — who am I, what is this system
SysResult sys_getpid();
SysResult sys_getppid();
SysResult sys_gettid();
SysResult sys_getuid();
SysResult sys_geteuid();
SysResult sys_getgid();
SysResult sys_getegid();
SysResult sys_setuid(uint32_t uid);
SysResult sys_setgid(uint32_t gid);
SysResult sys_setreuid(uint32_t real, uint32_t effective);
SysResult sys_setregid(uint32_t real, uint32_t effective);
SysResult sys_setresuid(uint32_t real, uint32_t effective, uint32_t saved);
SysResult sys_setresgid(uint32_t real, uint32_t effective, uint32_t saved);
SysResult sys_getresuid(UserPtr<uint32_t> real, UserPtr<uint32_t> effective, UserPtr<uint32_t> saved);
SysResult sys_getresgid(UserPtr<uint32_t> real, UserPtr<uint32_t> effective, UserPtr<uint32_t> saved);
SysResult sys_getgroups(int size, UserPtr<uint32_t> list);
SysResult sys_setgroups(int size, UserPtr<const uint32_t> list);
SysResult sys_sched_yield();
SysResult sys_getcpu(UserPtr<unsigned> cpu, UserPtr<unsigned> node, UserPtr<void> cache);
SysResult sys_membarrier(int cmd, unsigned flags, int cpu_id);
SysResult sys_uname(UserPtr<linux::utsname> buf);
SysResult sys_sethostname(UserPtr<const char> name, int length);
SysResult sys_setdomainname(UserPtr<const char> name, int length);
SysResult sys_sysinfo(UserPtr<linux::sysinfo> info);
SysResult sys_syslog(int type, UserPtr<char> buf, int len);
SysResult sys_getrandom(UserPtr<void> buf, size_t len, unsigned flags);

// memory.cpp — application memory (processes running a program)
SysResult sys_mmap(uint64_t addr, size_t len, int prot, int flags, int fd, int64_t offset);
SysResult sys_munmap(uint64_t addr, size_t len);
SysResult sys_mprotect(uint64_t addr, size_t len, int prot);
SysResult sys_madvise(uint64_t addr, size_t len, int advice);
SysResult sys_msync(uint64_t addr, size_t len, int flags);
SysResult sys_mremap(uint64_t old_addr, size_t old_len, size_t new_len, int flags, uint64_t new_addr);
SysResult sys_mincore(uint64_t addr, size_t len, UserPtr<uint8_t> vec);
SysResult sys_brk(uint64_t addr);
SysResult sys_mlock(uint64_t addr, size_t len);
SysResult sys_mlock2(uint64_t addr, size_t len, unsigned flags);
SysResult sys_munlock(uint64_t addr, size_t len);
SysResult sys_mlockall(int flags);
SysResult sys_munlockall();

// sched.cpp — priorities, scheduling policies, personality, capabilities
SysResult sys_getpriority(int which, int who);
SysResult sys_setpriority(int which, int who, int nice);
SysResult sys_sched_getscheduler(int pid);
SysResult sys_sched_setscheduler(int pid, int policy, UserPtr<const int> param);
SysResult sys_sched_getparam(int pid, UserPtr<int> param);
SysResult sys_sched_setparam(int pid, UserPtr<const int> param);
SysResult sys_sched_get_priority_max(int policy);
SysResult sys_sched_get_priority_min(int policy);
SysResult sys_sched_rr_get_interval(int pid, UserPtr<linux::timespec> interval);
SysResult sys_personality(unsigned persona);
SysResult sys_capget(UserPtr<void> header, UserPtr<void> data);
SysResult sys_capset(UserPtr<void> header, UserPtr<const void> data);

// process.cpp — exit, thread area, limits, affinity
SysResult sys_exit(int status);
SysResult sys_exit_group(int status);
SysResult sys_arch_prctl(int code, uint64_t addr);
SysResult sys_set_tid_address(uint64_t tidptr);
SysResult sys_prlimit64(int pid, int resource, UserPtr<const linux::rlimit> new_limit, UserPtr<linux::rlimit> old);
SysResult sys_getrlimit(int resource, UserPtr<linux::rlimit> old);
SysResult sys_setrlimit(int resource, UserPtr<const linux::rlimit> new_limit);
SysResult sys_sched_getaffinity(int pid, size_t len, UserPtr<uint8_t> mask);
SysResult sys_sched_setaffinity(int pid, size_t len, UserPtr<const uint8_t> mask);
SysResult sys_clone3(uint64_t args, size_t size);
SysResult sys_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);
// prctl's capability and privilege options (prctl_capabilities.cpp);
// EINVAL for any other option.
SysResult capability_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);
SysResult sys_rseq(uint64_t rseq, uint32_t len, int flags, uint32_t sig);

// signal.cpp — dispositions, masks, sending, waiting, handlers' return, timers
SysResult sys_rt_sigaction(int sig, UserPtr<const linux::k_sigaction> act, UserPtr<linux::k_sigaction> oldact,
                           size_t sigsetsize);
SysResult sys_rt_sigprocmask(int how, UserPtr<const uint64_t> set, UserPtr<uint64_t> oldset, size_t sigsetsize);
SysResult sys_rt_sigpending(UserPtr<uint64_t> set, size_t sigsetsize);
SysResult sys_sigaltstack(UserPtr<const linux::stack_t> ss, UserPtr<linux::stack_t> old);
SysResult sys_rt_sigreturn();
SysResult sys_rt_sigsuspend(UserPtr<const uint64_t> mask, size_t sigsetsize);
SysResult sys_pause();
SysResult sys_rt_sigtimedwait(UserPtr<const uint64_t> which, UserPtr<linux::siginfo> info,
                              UserPtr<const linux::timespec> timeout, size_t sigsetsize);
SysResult sys_kill(int pid, int sig);
SysResult sys_tkill(int tid, int sig);
SysResult sys_tgkill(int tgid, int tid, int sig);
SysResult sys_rt_sigqueueinfo(int pid, int sig, UserPtr<const linux::siginfo> info);
SysResult sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, UserPtr<const linux::siginfo> info);
SysResult sys_getitimer(int which, UserPtr<linux::itimerval> value);
SysResult sys_setitimer(int which, UserPtr<const linux::itimerval> value, UserPtr<linux::itimerval> old);
SysResult sys_alarm(unsigned seconds);
SysResult sys_restart_syscall();
SysResult sys_signalfd(int fd, UserPtr<const uint64_t> mask, size_t sizemask);
SysResult sys_signalfd4(int fd, UserPtr<const uint64_t> mask, size_t sizemask, int flags);

// futex.cpp
SysResult sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t timeout, uint64_t uaddr2, uint32_t val3);
SysResult sys_set_robust_list(uint64_t head, size_t len);
SysResult sys_get_robust_list(int pid, UserPtr<uint64_t> head, UserPtr<uint64_t> len);

// socket.cpp — BSD sockets over kernel/net
SysResult sys_socket(int domain, int type, int protocol);
SysResult sys_bind(int fd, UserPtr<const void> addr, uint32_t length);
SysResult sys_listen(int fd, int backlog);
SysResult sys_accept(int fd, UserPtr<void> addr, UserPtr<uint32_t> length);
SysResult sys_accept4(int fd, UserPtr<void> addr, UserPtr<uint32_t> length, int flags);
SysResult sys_connect(int fd, UserPtr<const void> addr, uint32_t length);
SysResult sys_shutdown(int fd, int how);
SysResult sys_getsockname(int fd, UserPtr<void> addr, UserPtr<uint32_t> length);
SysResult sys_getpeername(int fd, UserPtr<void> addr, UserPtr<uint32_t> length);
SysResult sys_sendto(int fd, UserPtr<const void> buf, size_t n, int flags, UserPtr<const void> to, uint32_t to_length);
SysResult sys_recvfrom(int fd, UserPtr<void> buf, size_t n, int flags, UserPtr<void> from, UserPtr<uint32_t> from_length);
SysResult sys_sendmsg(int fd, UserPtr<const linux::msghdr> msg, int flags);
SysResult sys_recvmsg(int fd, UserPtr<linux::msghdr> msg, int flags);
SysResult sys_setsockopt(int fd, int level, int name, UserPtr<const void> value, uint32_t length);
SysResult sys_getsockopt(int fd, int level, int name, UserPtr<void> value, UserPtr<uint32_t> length);
SysResult sys_socketpair(int domain, int type, int protocol, UserPtr<int> fds);

// fork.cpp — new threads and processes
SysResult sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls);
SysResult sys_fork();
SysResult sys_vfork();

// exec.cpp — running another program
SysResult sys_execve(UChar path, uint64_t argv, uint64_t envp);
SysResult sys_execveat(int dirfd, UChar path, uint64_t argv, uint64_t envp, int flags);

// wait.cpp — waiting for children
SysResult sys_wait4(int pid, UserPtr<int32_t> status, int options, UserPtr<linux::rusage> usage);
SysResult sys_waitid(int idtype, int id, UserPtr<linux::siginfo> info, int options, UserPtr<linux::rusage> usage);

// usage.cpp — what processes used
SysResult sys_getrusage(int who, UserPtr<linux::rusage> usage);
SysResult sys_times(UserPtr<linux::tms> buf);

// session.cpp — process groups and sessions
SysResult sys_setpgid(int pid, int pgid);
SysResult sys_getpgid(int pid);
SysResult sys_getpgrp();
SysResult sys_setsid();
SysResult sys_getsid(int pid);

} // namespace husk
