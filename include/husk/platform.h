/*
 * husk/platform.h — the hypercall interface of the Husk kernel.
 *
 * This header is the ONLY thing the portable kernel (kernel/) may call outside
 * itself. Every platform (platform/hosted: a Linux process; platform/x86_64:
 * bare metal) implements all of it. Nothing else may be referenced by the
 * kernel archive; tests/build/check-kernel-symbols enforces this with nm.
 *
 * Besides the functions below, a platform provides the four C memory routines
 * compilers emit calls to even in freestanding code: memcpy, memmove, memset
 * and memcmp (ISO C semantics).
 *
 * Contexts. "Kernel context" means code running on a kernel thread (including
 * a thread adopted by the kernel from the platform, see husk_kernel_enter).
 * "Interrupt context" means code the platform runs asynchronously (timer or
 * device interrupt) — only functions marked "any context" may be used there.
 * Unless stated otherwise a call never blocks and returns promptly.
 *
 * Errors are negative Linux errno values (-EIO, -EFAULT, ...), as everywhere in
 * Husk. Times are nanoseconds.
 *
 * Versioning: HUSK_PLATFORM_VERSION changes whenever a signature or contract
 * changes. The kernel checks husk_plat_version() at boot and refuses to start on
 * a mismatch (the way NetBSD's rumpuser_init checks RUMPUSER_VERSION).
 */
#ifndef HUSK_PLATFORM_H
#define HUSK_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HUSK_PLATFORM_VERSION 2

/* Exit status of a system that stopped because the kernel crashed (panic,
 * or a CPU exception in kernel code). */
#define HUSK_EXIT_PANIC 125

/* ---- Identity and configuration ------------------------------------- */

/* Returns HUSK_PLATFORM_VERSION as the platform was compiled. Any context. */
uint32_t husk_plat_version(void);

/* The kernel command line / configuration string: space-separated key=value
 * words (e.g. "mem=64 loglevel=info console=on"). Never NULL; valid for the
 * kernel's lifetime. Any context. */
const char *husk_plat_cmdline(void);

/* ---- Memory ---------------------------------------------------------- */

struct husk_mem_region {
    uintptr_t base; /* page aligned (4096) */
    size_t size;    /* multiple of 4096 */
};

/* Fills up to `max` regions of RAM given to the kernel for its own use, and
 * returns how many exist (may exceed max). Called once at boot; the regions
 * never change afterwards and are readable and writable (their contents are
 * unspecified). */
size_t husk_plat_mem_regions(struct husk_mem_region *out, size_t max);

/* ---- Console ---------------------------------------------------------- */

/* Writes len bytes to the console (serial port, or stderr when hosted).
 * Any context; may spin briefly but never sleeps. */
void husk_plat_console_write(const char *buf, size_t len);

/* Reads up to len bytes of console input that already arrived. Returns the
 * count (0 when nothing is pending), -ENODEV when the console has no input
 * side or its input reached end of file (readers then see end of file; a
 * terminal may deliver more later), or -EIO. Never blocks: the
 * kernel waits with husk_plat_yield, which reports HUSK_EVENT_CONSOLE.
 * Kernel context. */
long husk_plat_console_read(char *buf, size_t len);

/* ---- Time ------------------------------------------------------------- */

/* Monotonic clock: ns since an arbitrary fixed point, never goes back.
 * Any context. */
uint64_t husk_plat_clock_monotonic(void);

/* Wall clock: ns since 1970-01-01 UTC (best known). Any context. */
uint64_t husk_plat_clock_wall(void);

/* ---- Execution contexts (the kernel owns its scheduler) --------------- */

/* Opaque storage for a saved CPU context. Platforms use at most this much. */
typedef struct husk_context {
    uint64_t opaque[32];
} husk_context_t;

/* Prepares ctx so that the first husk_plat_context_switch to it runs
 * entry(arg) on the given stack. entry must never return (a kernel thread
 * ends by switching away for good). Kernel context. */
void husk_plat_context_init(husk_context_t *ctx, void *stack, size_t stack_size,
                            void (*entry)(void *), void *arg);

/* Releases what the platform attached to ctx (e.g. a guard page under its
 * stack) before the kernel frees the stack. Not for the running context.
 * Kernel context. */
void husk_plat_context_destroy(husk_context_t *ctx);

/* Saves the running context into `from` and resumes `to`. Returns when some
 * later switch resumes `from`. `from` may be a context never initialised with
 * husk_plat_context_init: this is how the kernel adopts the thread it was
 * entered on. Kernel context, with interrupts disabled. */
void husk_plat_context_switch(husk_context_t *from, husk_context_t *to);

/* Masks asynchronous events (interrupts) on this CPU and returns the previous
 * state for husk_plat_irq_restore. Nests. Hosted: no-op. Any context. */
unsigned long husk_plat_irq_disable(void);
void husk_plat_irq_restore(unsigned long state);

/* ---- Waiting for the outside world (Solo5's yield) --------------------- */

#define HUSK_EVENT_BLOCK   (1u << 0) /* a block request completed */
#define HUSK_EVENT_NET     (1u << 1) /* a frame can be received */
#define HUSK_EVENT_CONSOLE (1u << 2) /* console input is pending */
#define HUSK_EVENT_TIMER   (1u << 3) /* the deadline passed */

/* Called by the idle thread when no kernel thread can run: blocks the CPU
 * until an event arrives or the monotonic clock reaches `deadline`
 * (UINT64_MAX: no deadline). Returns the HUSK_EVENT_* set that is pending;
 * 0 is allowed (spurious wakeup). Kernel context (idle thread only). */
uint32_t husk_plat_yield(uint64_t deadline);

/* ---- Block devices ------------------------------------------------------ */

#define HUSK_BLOCK_READONLY (1u << 0)

struct husk_block_info {
    char name[32];        /* platform's name, e.g. "vda" or the host file */
    uint64_t sectors;     /* capacity in sectors */
    uint32_t sector_size; /* bytes, power of two >= 512 */
    uint32_t flags;       /* HUSK_BLOCK_* */
    uint32_t max_inflight;/* how many requests may be submitted at once (>= 1) */
};

/* Fills info for device index dev (0, 1, ...). Returns 0 or -ENODEV past the
 * last device. Kernel context. */
int husk_plat_block_info(unsigned dev, struct husk_block_info *info);

enum husk_block_op { HUSK_BLOCK_READ = 0, HUSK_BLOCK_WRITE = 1, HUSK_BLOCK_FLUSH = 2 };

struct husk_block_req {
    uint32_t op;        /* enum husk_block_op */
    uint64_t sector;    /* first sector (ignored for FLUSH) */
    uint32_t count;     /* sectors (0 for FLUSH) */
    void *buf;          /* kernel memory, count * sector_size bytes */
    int32_t status;     /* set by the platform on completion: 0 or -EIO */
    void *cookie;       /* the kernel's own; untouched by the platform */
};

/* Starts a request. Returns 0 when accepted (it completes later, possibly
 * before this call returns) or -EINVAL/-EROFS/-ENOSPC/-EAGAIN (queue full).
 * The request memory stays the kernel's and must live until reaped. A FLUSH
 * completes only after every write completed before it is durable.
 * Kernel context. */
int husk_plat_block_submit(unsigned dev, struct husk_block_req *req);

/* Returns up to max completed requests of dev into done[], oldest first.
 * Never blocks (wait for HUSK_EVENT_BLOCK with husk_plat_yield). */
size_t husk_plat_block_reap(unsigned dev, struct husk_block_req **done, size_t max);

/* ---- Network interfaces --------------------------------------------------- */

struct husk_net_info {
    char name[16];
    uint8_t mac[6];
    uint16_t mtu;   /* payload MTU, e.g. 1500 */
};

/* Fills info for interface index dev. 0 or -ENODEV. Kernel context. */
int husk_plat_net_info(unsigned dev, struct husk_net_info *info);

/* Sends one Ethernet frame. 0, -EAGAIN (no room now) or -EINVAL (size).
 * Kernel context. */
int husk_plat_net_send(unsigned dev, const void *frame, size_t len);

/* Receives one frame into buf. Returns its length, -EAGAIN when none is
 * pending (wait for HUSK_EVENT_NET), -EMSGSIZE if len is too small.
 * Kernel context. */
long husk_plat_net_recv(unsigned dev, void *buf, size_t len);

/* ---- Entropy, user memory, diagnostics, halt -------------------------------- */

/* Fills buf with unpredictable bytes. 0, or -EIO if no entropy source works.
 * Kernel context. */
int husk_plat_random(void *buf, size_t len);

/* Copy between kernel memory and the memory of the calling client ("user"
 * memory: the local client's own address space when hosted, ring-3 pages on
 * bare metal). A bad user address yields -EFAULT, never a crash; partial
 * copies may have happened then. Returns 0 or -EFAULT. Kernel context. */
int husk_plat_copy_from_user(void *dst, const void *user_src, size_t len);
int husk_plat_copy_to_user(void *user_dst, const void *src, size_t len);

/* Copies a NUL-terminated user string of at most max-1 characters into dst
 * (NUL-terminated). Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL
 * was found within max bytes. Kernel context. */
long husk_plat_strncpy_from_user(char *dst, const char *user_src, size_t max);

/* Writes a human-readable name for a code address ("func+0x1c") into buf
 * (NUL-terminated). Returns 0, or -ENOENT if unknown. Used by panic
 * backtraces. Any context. */
int husk_plat_symbolize(uintptr_t addr, char *buf, size_t len);

/* Ends the whole system with the given exit status (0..255). Flushes the
 * console. Never returns. Any context. */
void husk_plat_halt(int status) __attribute__((noreturn));

/* ---- Entry points the kernel provides to the platform ------------------------
 * (Not hypercalls; listed so both sides agree.)
 *
 * int husk_kernel_boot(void);
 *     Initialises the kernel on the current execution context, which becomes
 *     the kernel's first thread. Returns 0 or a negative errno.
 * long husk_kernel_syscall(long nr, const uint64_t args[6]);
 *     Runs one Linux system call for the current process; returns the result
 *     or a negative errno, exactly as the Linux syscall ABI does.
 * void husk_kernel_interrupt_return(int from_user);
 *     Platforms with interrupts call this at the end of every timer or
 *     device interrupt (interrupt context, interrupts disabled, not while
 *     the idle thread is in husk_plat_yield), just before resuming the
 *     interrupted code; from_user says it was application code. The kernel
 *     may switch threads here (preemption) when the interrupted code holds
 *     no kernel state. Platforms without interrupts never call it.
 */

#ifdef __cplusplus
}
#endif

#endif /* HUSK_PLATFORM_H */
