// The Linux x86_64 user ABI: constants and structure layouts exactly as the
// Linux kernel exposes them. Every subsystem speaks these values.
#pragma once

#include "../kstd/Types.h"

// GNU dialects predefine `linux` as a macro; the kernel builds as ISO C++.
#ifdef linux
#undef linux
#endif

namespace husk::linux {

// File types and permission bits (st_mode).
inline constexpr uint32_t S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
                          S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;
inline constexpr uint32_t S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000;
inline constexpr bool is_dir(uint32_t m) { return (m & S_IFMT) == S_IFDIR; }
inline constexpr bool is_reg(uint32_t m) { return (m & S_IFMT) == S_IFREG; }
inline constexpr bool is_lnk(uint32_t m) { return (m & S_IFMT) == S_IFLNK; }
inline constexpr bool is_sock(uint32_t m) { return (m & S_IFMT) == S_IFSOCK; }

// open(2) flags.
inline constexpr int O_ACCMODE = 03, O_RDONLY = 0, O_WRONLY = 01, O_RDWR = 02, O_CREAT = 0100,
                     O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000,
                     O_NONBLOCK = 04000, O_DSYNC = 010000, O_ASYNC = 020000, O_DIRECT = 040000,
                     O_LARGEFILE = 0100000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000,
                     O_NOATIME = 01000000, O_CLOEXEC = 02000000, O_SYNC = 04010000,
                     O_PATH = 010000000, O_TMPFILE = 020200000;
// Bits open(2) knows; Linux silently drops the rest (only openat2 rejects them).
inline constexpr int VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
                                        O_SYNC | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY |
                                        O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE;

inline constexpr int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
                     AT_EACCESS = 0x200, AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800,
                     AT_EMPTY_PATH = 0x1000, AT_STATX_SYNC_TYPE = 0x6000;
inline constexpr unsigned RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

inline constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
                     F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_DUPFD_CLOEXEC = 1030,
                     F_GETPIPE_SZ = 1032, FD_CLOEXEC = 1, F_OFD_GETLK = 36, F_OFD_SETLK = 37,
                     F_OFD_SETLKW = 38, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11,
                     F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_OWNER_TID = 0, F_OWNER_PID = 1, F_OWNER_PGRP = 2;
struct f_owner_ex {
    int32_t type;
    int32_t pid;
};
inline constexpr short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
inline constexpr int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8; // flock(2)

struct flock {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};
static_assert(sizeof(flock) == 32);
inline constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
inline constexpr int R_OK = 4, W_OK = 2, X_OK = 1, F_OK = 0;

inline constexpr short POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
                       POLLNVAL = 0x20, POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100,
                       POLLWRBAND = 0x200, POLLRDHUP = 0x2000;

// epoll(7): the event bits are poll's, plus these flags.
inline constexpr uint32_t EPOLLEXCLUSIVE = 1u << 28, EPOLLWAKEUP = 1u << 29, EPOLLONESHOT = 1u << 30,
                          EPOLLET = 1u << 31;
inline constexpr int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
struct __attribute__((packed)) epoll_event {
    uint32_t events;
    uint64_t data;
};
// eventfd2 flags (O_CLOEXEC, O_NONBLOCK and its own).
inline constexpr int EFD_SEMAPHORE = 1;

inline constexpr uint8_t DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8,
                         DT_LNK = 10, DT_SOCK = 12;
inline constexpr uint8_t dtype_of(uint32_t mode) { return uint8_t((mode & S_IFMT) >> 12); }

inline constexpr int64_t UTIME_NOW = (1l << 30) - 1, UTIME_OMIT = (1l << 30) - 2;
inline constexpr size_t PATH_MAX = 4096, NAME_MAX = 255, PIPE_BUF = 4096;
inline constexpr unsigned IOV_MAX = 1024;

inline constexpr unsigned long TCGETS = 0x5401, TIOCGWINSZ = 0x5413, FIONREAD = 0x541B,
                               FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;

inline constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
                     CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
                     CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, TIMER_ABSTIME = 1;
inline constexpr int CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
// sigevent's sigev_notify (timer_create).
inline constexpr int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

inline constexpr uint32_t STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_NLINK = 0x4, STATX_UID = 0x8,
                          STATX_GID = 0x10, STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80,
                          STATX_INO = 0x100, STATX_SIZE = 0x200, STATX_BLOCKS = 0x400,
                          STATX_BASIC_STATS = 0x7ff;

inline constexpr long RAMFS_MAGIC = 0x858458f6, TMPFS_MAGIC = 0x01021994, DEVFS_MAGIC = 0x1373,
                      EXT2_SUPER_MAGIC = 0xEF53, ISOFS_SUPER_MAGIC = 0x9660;
inline constexpr unsigned long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8,
                               MS_SYNCHRONOUS = 16, MS_REMOUNT = 32, MS_DIRSYNC = 128, MS_NOATIME = 1024,
                               MS_NODIRATIME = 2048, MS_BIND = 4096, MS_RELATIME = 1ul << 21;
inline constexpr int MNT_FORCE = 1, MNT_DETACH = 2;

struct timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
struct timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    timespec st_atim;
    timespec st_mtim;
    timespec st_ctim;
    int64_t unused[3];
};
static_assert(sizeof(stat) == 144);

struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t pad1;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare[12];
};
static_assert(sizeof(statx) == 256);

struct statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
static_assert(sizeof(statfs) == 120);

struct dirent64_header {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    // char d_name[] follows
};
inline constexpr size_t kDirent64NameOffset = 19;

struct pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

struct iovec {
    uint64_t iov_base;
    uint64_t iov_len;
};

struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
};

inline constexpr uint64_t makedev(uint32_t major, uint32_t minor)
{
    return (uint64_t(major & 0xfffff000u) << 32) | (uint64_t(major & 0xfffu) << 8)
        | (uint64_t(minor & 0xffffff00u) << 12) | uint64_t(minor & 0xffu);
}
inline constexpr uint32_t major_of(uint64_t dev) { return uint32_t(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu)); }
inline constexpr uint32_t minor_of(uint64_t dev) { return uint32_t(((dev >> 12) & 0xffffff00u) | (dev & 0xffu)); }

// Signals (signal(7)): numbers, rt_sigprocmask's `how`, the special
// handlers, sigaltstack's flags; the kernel's sigaction, the alternate stack.
inline constexpr int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
                     SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
                     SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20,
                     SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26,
                     SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32, SIGRTMAX = 64;
inline constexpr int NSIG = 64; // signals are 1..NSIG; a sigset_t has bit sig - 1
inline constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
inline constexpr uint64_t SIG_DFL = 0, SIG_IGN = 1;
inline constexpr int SS_ONSTACK = 1, SS_DISABLE = 2;
inline constexpr uint32_t SS_AUTODISARM = 1u << 31;
inline constexpr size_t MINSIGSTKSZ = 2048, SIGSTKSZ = 8192;
// sigaction's flags.
inline constexpr uint64_t SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_RESTORER = 0x04000000,
                          SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
                          SA_RESETHAND = 0x80000000;
struct rusage {
    int64_t utime_sec, utime_usec, stime_sec, stime_usec;
    int64_t counters[14]; // ru_maxrss (KiB), ixrss, idrss, isrss, minflt, majflt, nswap, inblock,
                          // oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw
};
static_assert(sizeof(rusage) == 144);
inline constexpr int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
inline constexpr int RU_MAXRSS = 0, RU_MINFLT = 4, RU_NVCSW = 12, RU_NIVCSW = 13;
// times(2): clock ticks of USER_HZ.
struct tms {
    int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
inline constexpr int64_t USER_HZ = 100;
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
struct stack_t {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};

// siginfo_t: who sent a signal and why. si_code says which union member
// is meaningful: SI_USER/SI_TKILL (kill, tkill: si_pid, si_uid), SI_QUEUE
// (sigqueue: also si_value), SI_KERNEL, SI_TIMER; for SIGCHLD the CLD_*
// codes (si_pid, si_uid, si_status, si_utime, si_stime); for faults the
// SEGV_/BUS_/FPE_/ILL_/TRAP_ codes (si_addr).
inline constexpr int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3,
                     SI_ASYNCIO = -4, SI_SIGIO = -5, SI_TKILL = -6;
inline constexpr int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, BUS_ADRERR = 2, FPE_INTDIV = 1,
                     FPE_INTOVF = 2, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6,
                     FPE_FLTINV = 7, ILL_ILLOPC = 1, ILL_ILLOPN = 2, TRAP_BRKPT = 1, TRAP_TRACE = 2;
inline constexpr int POLL_IN = 1, POLL_OUT = 2, POLL_MSG = 3, POLL_ERR = 4, POLL_PRI = 5, POLL_HUP = 6;
inline constexpr int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5,
                     CLD_CONTINUED = 6;
struct siginfo {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad0;
    union {
        struct {
            int32_t si_pid;                // SI_TIMER: the timer's id
            uint32_t si_uid;               // SI_TIMER: the overrun count
            union {
                int32_t si_status;         // SIGCHLD: exit status or signal
                uint64_t si_value;         // SI_QUEUE, SI_TIMER: sigval
            };
            int64_t si_utime, si_stime;    // SIGCHLD: the child's CPU time (clock ticks)
        };
        uint64_t si_addr;                  // faults: the address
        struct {
            int64_t si_band;               // SIGIO (F_SETSIG): POLLIN, POLLOUT...
            int32_t si_fd;                 // SIGIO (F_SETSIG): the descriptor
        };
        uint8_t si_fields[112];
    };
};
static_assert(sizeof(siginfo) == 128);

// signalfd(2): what a read returns per signal, and signalfd4's flags.
inline constexpr int SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK;
struct signalfd_siginfo {
    uint32_t ssi_signo;
    int32_t ssi_errno, ssi_code;
    uint32_t ssi_pid, ssi_uid;
    int32_t ssi_fd;
    uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
    int32_t ssi_status, ssi_int;
    uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
    uint16_t ssi_addr_lsb;
    uint8_t pad[46];
};
static_assert(sizeof(signalfd_siginfo) == 128);

// Interval timers (setitimer, getitimer, alarm).
inline constexpr int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
struct itimerval {
    timeval it_interval;
    timeval it_value;
};

// Resource limits (prlimit64, getrlimit).
struct rlimit {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};

// Terminals (ioctl TCGETS/TCSETS*, TIOCGWINSZ): the kernel's termios.
struct termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
struct winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
inline constexpr unsigned long TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f,
                               TIOCSPGRP = 0x5410, TIOCSWINSZ = 0x5414, TIOCSCTTY = 0x540e,
                               TIOCNOTTY = 0x5422, TIOCGSID = 0x5429;


// Sockets.
inline constexpr int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
inline constexpr int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5, SOCK_TYPE_MASK = 0xf, SOCK_NONBLOCK = 04000,
                     SOCK_CLOEXEC = 02000000;
inline constexpr int IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
inline constexpr int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6,
                     SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15,
                     SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
inline constexpr int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6,
                     IPV6_V6ONLY = 26;
inline constexpr int TCP_DEFER_ACCEPT = 9;
inline constexpr int IP_TOS = 1, IP_TTL = 2, IPV6_UNICAST_HOPS = 16, IPV6_TCLASS = 67;
inline constexpr int SO_DONTROUTE = 5, SO_OOBINLINE = 10, SO_PRIORITY = 12, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19;
inline constexpr int MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100,
                     MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
// Control messages (cmsg(3)): a header, then its data, each aligned to 8.
inline constexpr int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
inline constexpr int SCM_MAX_FD = 253; // descriptors one sendmsg may pass
inline constexpr int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

struct sockaddr_in {
    uint16_t sin_family;
    uint16_t sin_port; // network order
    uint32_t sin_addr; // network order
    uint8_t sin_zero[8];
};
static_assert(sizeof(sockaddr_in) == 16);
struct sockaddr_un {
    uint16_t sun_family;
    char sun_path[108];
};
static_assert(sizeof(sockaddr_un) == 110);
struct ucred {
    int32_t pid;
    uint32_t uid, gid;
};
struct sockaddr_in6 {
    uint16_t sin6_family;
    uint16_t sin6_port;
    uint32_t sin6_flowinfo;
    uint8_t sin6_addr[16];
    uint32_t sin6_scope_id;
};
static_assert(sizeof(sockaddr_in6) == 28);
struct msghdr {
    uint64_t msg_name;
    uint32_t msg_namelen;
    uint32_t pad0;
    uint64_t msg_iov;
    uint64_t msg_iovlen;
    uint64_t msg_control;
    uint64_t msg_controllen;
    int32_t msg_flags;
    uint32_t pad1;
};
static_assert(sizeof(msghdr) == 56);
struct cmsghdr {
    uint64_t cmsg_len; // header and data, not the padding after
    int32_t cmsg_level;
    int32_t cmsg_type;
};
static_assert(sizeof(cmsghdr) == 16);
struct linger {
    int32_t l_onoff;
    int32_t l_linger;
};
} // namespace husk::linux
