// Linux errno values: the kernel's error vocabulary, identical to the Linux ABI.
#pragma once

// Host-side unit tests include kernel headers after the C library's
// <errno.h>; its macros carry the same Linux values, so they stand in.
#if defined(EPERM)
static_assert(EPERM == 1 && ENOENT == 2 && EBADF == 9 && EINVAL == 22 && ENOSYS == 38 && ELOOP == 40,
              "host errno values must be Linux's");
namespace kstd::errno_values {
}
#else
namespace kstd::errno_values {
enum : int {
    EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
    ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
    EFAULT = 14, ENOTBLK = 15, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19,
    ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
    ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
    EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36,
    ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOMSG = 42, EIDRM = 43,
    ENODATA = 61, ETIME = 62, EOVERFLOW = 75, EBADFD = 77, ELIBBAD = 80, EILSEQ = 84,
    ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
    EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EAFNOSUPPORT = 97,
    EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106,
    ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114,
    EINPROGRESS = 115, EUCLEAN = 117, EDQUOT = 122, ECANCELED = 125,
};
}
#endif

// Kernel-internal results of a system call a signal interrupted (Linux's
// values; never seen by a program): the way back to user space turns them
// into EINTR or into the call made again (signal(7), "Interruption of
// system calls by signal handlers").
namespace kstd::errno_values {
inline constexpr int ERESTARTSYS = 512;           // EINTR after a handler without SA_RESTART, else made again
inline constexpr int ERESTARTNOINTR = 513;        // always made again
inline constexpr int ERESTARTNOHAND = 514;        // EINTR after a handler, made again if none ran
inline constexpr int ERESTART_RESTARTBLOCK = 516; // EINTR after a handler, else restart_syscall
inline constexpr bool is_restart(int e) { return e >= ERESTARTSYS && e <= ERESTART_RESTARTBLOCK; }
}

namespace kstd {
using namespace errno_values;
// "ENOENT" for 2; "E?" for unknown values. Used by logs and docs.
const char* errno_name(int err);
} // namespace kstd
