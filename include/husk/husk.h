/*
 * husk/husk.h — local clients of a hosted Husk kernel (like rump_sys_*).
 *
 * A program links libhusk (static or shared), calls husk_init() once, and
 * then makes Linux system calls into the in-process Husk kernel through
 * husk_sys_NAME(). Each has the prototype of the raw Linux system call and
 * libc's error convention: -1 with errno set on failure. The list, with
 * each call's support status, is include/husk/syscalls.def and
 * docs/syscalls.md.
 *
 * The kernel is one "process" (pid 1) with its own fd table, cwd and root,
 * separate from the host process's: fd 3 here is not the host's fd 3.
 * Descriptors 0-2 are the kernel's console (output to the host's stderr).
 *
 * Calls may come from any host thread; they are serialised (one big lock).
 * A call that blocks lets other *kernel* threads run, but no other host
 * thread enters meanwhile: a call that could only be woken by another host
 * thread (say, a read from a pipe whose writer is another host thread) is a
 * deadlock, which the kernel reports on stderr before exiting with status
 * 124 rather than hanging.
 *
 * Bad pointers passed to husk_sys_* give EFAULT, not a crash.
 */
#ifndef HUSK_HUSK_H
#define HUSK_HUSK_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The only symbols libhusk.so exports. */
#define HUSK_API __attribute__((visibility("default")))

/* Boots the kernel in this process. config is the kernel command line:
 * space-separated key=value words. Known keys:
 *   mem=MIB           kernel memory (default 64)
 *   loglevel=LEVEL    error|warning|info|debug: what the console shows
 *   hostname=NAME     uname's nodename (default "husk")
 *   console_input=1   the console (fd 0) reads the host's stdin
 *   husk.json={...}   the JSON configuration (docs/configuration.md), e.g.
 *                     its "net" key configures the attached interfaces
 * Returns 0, or -1 with errno (EBUSY if already booted, ENOMEM, EINVAL). */
HUSK_API int husk_init(const char *config);

/* Attaches a host file as the next block device (index returned, or -1
 * with errno). Call before husk_init. The ext2 file system mounts them.
 * The image is locked as QEMU locks its images: one writer at a time
 * (EBUSY when another husk or QEMU has it open for writing, or a writer
 * when read_only is 0 and others read it). */
HUSK_API int husk_attach_hostfile(const char *path, int read_only);
/* The same, with a message naming the problem (and the holder of a busy
 * image) in error when it is not NULL. */
HUSK_API int husk_attach_disk(const char *path, int read_only, char *error, size_t error_len);

/* Attaches a network interface (call before husk_init), described like a
 * QEMU -netdev:
 *   cable,path=DIR   a virtual Ethernet segment shared by every hosted
 *                    kernel attached to DIR (no privileges needed)
 *   tap,ifname=NAME  the host's TAP device NAME (needs CAP_NET_ADMIN)
 *   user[,hostfwd=[tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT]...[,restrict=on]
 *                    user-mode networking through libslirp (10.0.2.0/24,
 *                    QEMU's addresses; reaches the host through 10.0.2.2)
 * Interfaces are named by kind and number (cable0, tap0, user0). Addresses
 * come from the "net" key of husk_init's configuration (docs/networking.md).
 * Returns the interface's index, or -1 with errno and, when error is not
 * NULL, a message naming the problem. */
HUSK_API int husk_attach_net(const char *spec, char *error, size_t error_len);

/* poll(2) on host descriptors while the kernel keeps running (its network
 * answers, its timers fire) — how a program that also serves its own
 * clients waits. Returns as poll(2) does (-1 with EINTR when a signal
 * interrupts it). Other threads' husk calls wait until it returns. */
struct pollfd;
HUSK_API int husk_poll_host(struct pollfd *fds, unsigned long nfds, int timeout_ms);

/* Any system call by number; returns the raw result (negative errno on
 * failure, errno untouched). */
HUSK_API long husk_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Processes inside the kernel besides the caller's own (husk server gives
 * each client one): create returns a pid (or -1 with errno); syscall_as
 * runs a raw system call as that process (its descriptors, its working
 * directory), returning the raw result (-ESRCH for an unknown pid);
 * destroy ends it, closing its descriptors (0 or -1 with errno). */
HUSK_API long husk_process_create(const char *name);
HUSK_API long husk_syscall_as(long pid, long nr, long a1, long a2, long a3, long a4, long a5, long a6);
HUSK_API int husk_process_destroy(long pid);

/* Copies the kernel log (dmesg) into buf; returns bytes copied or -1. */
HUSK_API long husk_dmesg(char *buf, size_t len);

#define HUSK_SYSCALL(nr, name, status, note, ret, params, args) HUSK_API ret husk_sys_##name params;
#define HUSK_NOSYS(nr, name, note)
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS

#ifdef __cplusplus
}
#endif

#endif /* HUSK_HUSK_H */
