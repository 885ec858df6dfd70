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
 * a thread adopted by the kernel from the platform, see husk_kernel_boot in
 * husk/kernel.h, which declares the kernel's side of this interface).
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

#if defined(__x86_64__)
#include <husk/arch/x86_64.h>
#else
#error "Husk runs applications on x86-64 only"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define HUSK_PLATFORM_VERSION 21

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

/* The configuration the host hands over beside the command line, whose
 * length is limited (x86_64: QEMU's fw_cfg file "opt/husk/config", which
 * husk run writes): the text of a JSON object, as the command line's
 * husk.json word holds (docs/configuration.md). Returns its size in bytes
 * and, when len is at least that, copies it into buf (call with len 0 to
 * learn the size); 0 when the host gave none, -EIO when it could not be
 * read, -ENOSYS where the platform has no such channel. Kernel context. */
long husk_plat_config_read(void *buf, size_t len);

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

/* Output streams kept apart from the console where the platform has a
 * place for them (x86_64 under husk run: QEMU debug console ports 0xea and
 * 0xe9; hosted: stderr), else written to the console:
 *   HUSK_STREAM_ERROR  the program's standard error (descriptor 2 of the
 *                      first process, the console's terminal all the same)
 *   HUSK_STREAM_LOG    the kernel's own messages (its log, panics)
 * Any context; never sleeps. */
#define HUSK_STREAM_ERROR 2
#define HUSK_STREAM_LOG 3
void husk_plat_stream_write(int stream, const char *buf, size_t len);

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

/* Processors. husk_plat_cpu_count: how many CPUs are online (at least 1;
 * fixed once the kernel boots). husk_plat_cpu_id: the calling CPU's index,
 * 0 .. count - 1 (0 is the boot CPU). husk_plat_cpu_start: the other CPUs,
 * parked since boot, each call entry(index) on their own stack, interrupts
 * on (0, or -ENOSYS where there is one CPU). husk_plat_cpu_kick: an
 * interrupt to that CPU, which wakes it from husk_plat_yield's halt (the
 * way to make a halted CPU look at new work). Any context. */
unsigned husk_plat_cpu_count(void);
unsigned husk_plat_cpu_id(void);
int husk_plat_cpu_start(void (*entry)(unsigned cpu));
void husk_plat_cpu_kick(unsigned cpu);

/* The kernel holds its big lock (or runs on one CPU): the platform refills
 * the per-CPU reserves it uses where the kernel does not hold it (x86: a
 * spare FPU save area for a program thread's first run) from
 * husk_kernel_page_alloc. Context switches and address-space activations
 * may run without the lock, so they allocate nothing. Kernel context. */
void husk_plat_cpu_refill(void);

/* Called in each round of a spin-wait for a lock another CPU holds: tells
 * the processor (x86: PAUSE; under QEMU's TCG it lets the vCPU's thread
 * give way). Any context. */
void husk_plat_cpu_relax(void);

/* What CPU `cpu` (0 .. count - 1) is, for /proc/cpuinfo: the architecture's
 * identification in the terms Linux prints (x86: CPUID). Strings are
 * NUL-terminated, flags and power management space-separated Linux names;
 * a number the platform does not know is 0. Returns 0, or -ENOSYS (the
 * kernel then prints generic values). Kernel context. */
struct husk_cpu_info {
    char vendor[16];          /* "GenuineIntel", "AuthenticAMD", ... */
    char model_name[64];      /* the brand string */
    uint32_t family, model, stepping;
    uint32_t microcode;       /* 0: unknown */
    uint32_t khz;             /* the clock (x86: the TSC's) */
    uint32_t bogomips_x100;   /* Linux's calibrated loop rate, hundredths */
    uint32_t cache_kib;       /* the cache Linux reports (x86: L2 or L3) */
    uint32_t package, core, apic_id, initial_apic_id;
    uint32_t siblings, cores; /* logical CPUs and cores of its package */
    uint32_t cpuid_level;     /* the highest standard leaf */
    uint32_t tlb_4k_entries;
    uint32_t clflush_bytes, cache_alignment;
    uint32_t physical_bits, virtual_bits;
    uint32_t has_fpu;
    char flags[2048];
    char power_management[128];
};
int husk_plat_cpu_info(unsigned cpu, struct husk_cpu_info *info);

/* ---- Waiting for the outside world (Solo5's yield) --------------------- */

#define HUSK_EVENT_BLOCK   (1u << 0) /* a block request completed */
#define HUSK_EVENT_NET     (1u << 1) /* a frame can be received, or sent again after -EAGAIN */
#define HUSK_EVENT_CONSOLE (1u << 2) /* console input is pending */
#define HUSK_EVENT_TIMER   (1u << 3) /* the deadline passed */
#define HUSK_EVENT_HOST    (1u << 4) /* something the embedder waits for
                                        (hosted: see husk_kernel_wait_host) */
#define HUSK_EVENT_STOP    (1u << 5) /* the host asks the system to stop
                                        (see husk_plat_stop_requested) */
#define HUSK_EVENT_SIGNAL  (1u << 6) /* the host sends pid 1 a signal
                                        (see husk_plat_host_signal) */
#define HUSK_EVENT_9P      (1u << 7) /* a 9P request completed */

/* Called by the idle thread when no kernel thread can run: blocks the CPU
 * until an event arrives or the monotonic clock reaches `deadline`
 * (UINT64_MAX: no deadline). Returns the HUSK_EVENT_* set that is pending;
 * 0 is allowed (spurious wakeup). A deadline already passed (0) does not
 * block: the idle thread polls that way when a time slice ends, so a busy
 * thread cannot starve devices. Kernel context (idle thread only). */
uint32_t husk_plat_yield(uint64_t deadline);

/* ---- Block devices ------------------------------------------------------ */

#define HUSK_BLOCK_READONLY (1u << 0)
#define HUSK_BLOCK_USER_IO  (1u << 1) /* accepts HUSK_BLOCK_READ_USER and _WRITE_USER */

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

/* READ_USER and WRITE_USER use the calling client's ("user") memory: buf is
 * a user address, and a bad one completes the request with -EFAULT (a write
 * may have stored part of the data by then). They save the kernel a copy on
 * large transfers; only devices with HUSK_BLOCK_USER_IO take them. */
enum husk_block_op {
    HUSK_BLOCK_READ = 0,
    HUSK_BLOCK_WRITE = 1,
    HUSK_BLOCK_FLUSH = 2,
    HUSK_BLOCK_READ_USER = 3,
    HUSK_BLOCK_WRITE_USER = 4,
};

struct husk_block_req {
    uint32_t op;        /* enum husk_block_op */
    uint64_t sector;    /* first sector (ignored for FLUSH) */
    uint32_t count;     /* sectors (0 for FLUSH) */
    void *buf;          /* kernel memory, count * sector_size bytes */
    int32_t status;     /* set by the platform on completion: 0, -EIO (or -EFAULT) */
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

/* Offloads a device may take over from the kernel (husk_net_info.offloads). */
#define HUSK_NET_OFFLOAD_CSUM (1u << 0) /* completes checksums (husk_net_tx.csum_start) */
#define HUSK_NET_OFFLOAD_TSO4 (1u << 1) /* segments large TCP/IPv4 frames (husk_net_tx.gso_size) */

struct husk_net_info {
    char name[16];
    uint8_t mac[6];
    uint16_t mtu;       /* payload MTU, e.g. 1500 */
    uint32_t offloads;  /* HUSK_NET_OFFLOAD_* */
    uint32_t max_frame; /* largest frame a device sends (mtu + 14, more with TSO4) */
};

/* Fills info for interface index dev. 0 or -ENODEV. Kernel context. */
int husk_plat_net_info(unsigned dev, struct husk_net_info *info);

/* What a device finishes in a frame before it leaves (the fields of
 * virtio-net's header). csum_start 0: the frame's checksums are complete.
 * Else (CSUM) the device stores, at csum_start + csum_offset, the ones'-
 * complement checksum of the bytes from csum_start to the end, the 16 bits
 * already there included (the kernel puts a pseudo-header sum there).
 * gso_size 0: one frame. Else (TSO4, with csum_start) the frame is a
 * TCP/IPv4 segment of up to 64 KiB with hdr_len bytes of Ethernet, IP and
 * TCP headers, the TCP checksum field holding the pseudo-header sum over its
 * whole length: the device cuts it into segments of gso_size payload bytes,
 * each with its own lengths, IP id, sequence number and checksums, PSH and
 * FIN on the last only (as Linux's TSO does). */
struct husk_net_tx {
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t gso_size;
    uint16_t hdr_len;
};

/* Sending is in two steps so that the kernel builds each frame where the
 * device takes it from, without a copy in between:
 *
 * Reserves room for one Ethernet frame of up to len bytes (at most
 * max_frame) and points *buf at it. 0, -EAGAIN (no room now: HUSK_EVENT_NET
 * is posted once room frees) or -EINVAL (len). A device has at most one
 * reservation; a new one first gives the old one back. Kernel context. */
int husk_plat_net_reserve(unsigned dev, size_t len, void **buf);

/* Sends the first len bytes of the reserved room as one frame; tx NULL: as
 * it is. len 0 gives the room back unsent. 0, or -EINVAL (no reservation,
 * len beyond it or below an Ethernet header, an offload the device does not
 * offer): the room is given back. Kernel context. */
int husk_plat_net_commit(unsigned dev, size_t len, const struct husk_net_tx *tx);

/* Receives one frame into buf. Returns its length, -EAGAIN when none is
 * pending (wait for HUSK_EVENT_NET), -EMSGSIZE if len is too small.
 * Kernel context. */
long husk_plat_net_recv(unsigned dev, void *buf, size_t len);

/* ---- 9P channels (shared folders) ----------------------------------------
 * A channel carries 9P messages between the kernel's 9P client and a file
 * server of the host (x86_64: a virtio-9p device, QEMU's -fsdev local with
 * -device virtio-9p-*, named by its mount tag). The kernel speaks the
 * protocol (9P2000.L); the platform moves whole messages only: a request
 * is one T-message out and room for its R-message back, and completes
 * asynchronously, as block requests do (reap on HUSK_EVENT_9P). The hosted
 * platform has no channels (husk_plat_9p_info: -ENODEV). */

struct husk_9p_info {
    char tag[64];          /* the mount tag, NUL-terminated (e.g. "husk0") */
    char name[32];         /* where the device is, for the log */
    uint32_t max_message;  /* the largest message the channel carries either way
                              (the kernel's msize is at most this) */
    uint32_t max_inflight; /* how many requests may be submitted at once (>= 1) */
};

/* Fills info for channel dev (0, 1, ...): 0, or -ENODEV past the last.
 * Kernel context. */
int husk_plat_9p_info(unsigned dev, struct husk_9p_info *info);

struct husk_9p_req {
    const void *request;  /* the T-message (kernel memory), request_len bytes */
    uint32_t request_len;
    uint32_t reply_room;  /* bytes of room at reply */
    void *reply;          /* kernel memory for the R-message */
    uint32_t reply_len;   /* set on completion: the bytes the server wrote */
    int32_t status;       /* set on completion: 0, or -EIO (the channel failed) */
    void *cookie;         /* the kernel's own; untouched by the platform */
};

/* Starts a request: 0 when accepted (it completes later, possibly before
 * this returns), -EAGAIN (queue full), -EINVAL (lengths, or memory the
 * device cannot reach) or -ENODEV. Both buffers stay the kernel's and must
 * live until reaped. Kernel context. */
int husk_plat_9p_submit(unsigned dev, struct husk_9p_req *req);

/* Returns up to max completed requests of dev into done[], oldest first.
 * Never blocks (wait for HUSK_EVENT_9P with husk_plat_yield). */
size_t husk_plat_9p_reap(unsigned dev, struct husk_9p_req **done, size_t max);

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

/* Compare-and-exchange of a 32-bit user word (4-byte aligned), atomic
 * against every CPU and the client's own threads (a futex word: FUTEX_WAKE_OP
 * changes it while the client may): if *user_word == expected, stores
 * desired; either way *found is the value the word held. Returns 0, or
 * -EFAULT when the word is not mapped writable (nothing is stored): a bad
 * address, or a page not brought in or copy-on-write, which the kernel
 * then brings in itself before it retries. Touches nothing of the kernel's,
 * so it may run under a spin lock without the big lock. Kernel context. */
int husk_plat_cmpxchg_user(uint32_t *user_word, uint32_t expected, uint32_t desired, uint32_t *found);

/* Writes a human-readable name for a code address ("func+0x1c") into buf
 * (NUL-terminated). Returns 0, or -ENOENT if unknown. Used by panic
 * backtraces. Any context. */
int husk_plat_symbolize(uintptr_t addr, char *buf, size_t len);

/* ---- Files handed over at boot ------------------------------------------ */

/* The index-th file the boot loader or the image carries (an application's
 * ELF baked into the image, or one loaded beside it, e.g. a PVH module).
 * Sets *data and *size (memory the kernel may read for its lifetime) and
 * *name (a NUL-terminated label, possibly ""), and returns 0; -ENOENT past
 * the last. Kernel context. */
int husk_plat_boot_file(unsigned index, const void **data, size_t *size, const char **name);

/* ---- Application address spaces and execution ------------------------------
 * Applications (unikernel use) run unprivileged in address spaces the kernel
 * manages through these calls; the platform keeps the kernel's own mappings
 * out of their reach. The kernel owns all memory: it gives the platform its
 * own 4 KiB pages to map, and page-table memory through husk_kernel_page_alloc.
 * A platform that cannot run applications (hosted) returns NULL from
 * husk_plat_aspace_create and -ENOSYS from husk_plat_user_run. */

typedef struct husk_aspace husk_aspace_t; /* opaque */

#define HUSK_PROT_READ  1u
#define HUSK_PROT_WRITE 2u
#define HUSK_PROT_EXEC  4u

/* The page-aligned range [*lo, *hi) of addresses applications may use.
 * Any context. */
void husk_plat_user_range(uintptr_t *lo, uintptr_t *hi);

/* A new, empty address space, or NULL (no memory, or not supported). */
husk_aspace_t *husk_plat_aspace_create(void);
/* Drops every mapping and the page tables (returning them with
 * husk_kernel_page_free); the mapped pages stay the kernel's. If `as` is
 * active, the CPU first goes back to the kernel's own tables (an exiting
 * process's last thread drops its space). Kernel context. */
void husk_plat_aspace_destroy(husk_aspace_t *as);
/* Makes `as` the address space of the CPU: user copies and husk_plat_user_run
 * use it from now on. Cheap when it already is (the scheduler calls it on
 * every switch to a program's thread). Kernel context. */
void husk_plat_aspace_activate(husk_aspace_t *as);
/* Maps the kernel's page `page` (4096 bytes, page aligned, from a region of
 * husk_plat_mem_regions) at the page-aligned user address va with
 * HUSK_PROT_* rights, replacing any mapping there. 0, -EINVAL (address) or
 * -ENOMEM (page tables). Kernel context. */
int husk_plat_aspace_map(husk_aspace_t *as, uintptr_t va, void *page, unsigned prot);
/* Changes the rights of the page at va: 0, or -ENOENT when unmapped.
 * Kernel context. */
int husk_plat_aspace_protect(husk_aspace_t *as, uintptr_t va, unsigned prot);
/* Removes every mapping in the page-aligned range [start, end), in one
 * call however large (munmap, brk, MADV_DONTNEED); the mapped pages stay
 * the kernel's, page tables the range covers may be returned. Kernel
 * context. */
void husk_plat_aspace_unmap(husk_aspace_t *as, uintptr_t start, uintptr_t end);

/* A page-aligned range of user addresses, [start, end). */
struct husk_range {
    uintptr_t start, end;
};
/* Takes write rights from every page `as` maps in the ranges, leaving it
 * its other rights: fork(2)'s copy-on-write, in bulk. The kernel gives them
 * back page by page (husk_plat_aspace_map or _protect) when a write faults.
 * The cost is one pass over the page tables, not a call per page (a
 * platform may take a whole table's rights at once), and one TLB flush of
 * an active space, not one per page. Kernel context. */
void husk_plat_aspace_write_protect(husk_aspace_t *as, const struct husk_range *ranges, size_t count);

/* The application's registers (struct husk_user_regs) and their accessors
 * come from the architecture's header, included above. */

/* Why a run ended, decided by the platform: a system call, or a fault of
 * an architecture-neutral kind (the signal Linux sends for it). */
enum husk_trap_kind {
    HUSK_TRAP_SYSCALL = 1,  /* husk_user_syscall_nr and _args read the call */
    HUSK_TRAP_PAGE_FAULT,   /* trap->address; trap->flags: HUSK_FAULT_* (SIGSEGV) */
    HUSK_TRAP_ILLEGAL,      /* an undefined or privileged-only opcode (SIGILL) */
    HUSK_TRAP_ARITHMETIC,   /* divide error, floating-point exception (SIGFPE) */
    HUSK_TRAP_BREAKPOINT,   /* breakpoint instruction or single-step trace (SIGTRAP) */
    HUSK_TRAP_PROTECTION,   /* general protection: privileged instruction,
                               bad segment, non-canonical address (SIGSEGV) */
    HUSK_TRAP_ALIGNMENT,    /* a misaligned access the CPU refused (SIGBUS) */
    HUSK_TRAP_OTHER,        /* any other exception (SIGSEGV) */
    HUSK_TRAP_INTERRUPTED,  /* no fault: the kernel asked for the thread back at the
                               end of an interrupt (husk_kernel_interrupt_return),
                               e.g. to run a signal handler */
};
#define HUSK_FAULT_WRITE   1u /* the access was a write */
#define HUSK_FAULT_EXEC    2u /* an instruction fetch */
#define HUSK_FAULT_PRESENT 4u /* the page was mapped (a rights violation) */
#define HUSK_FAULT_INTEGER 8u /* arithmetic: an integer divide error (else floating point) */

struct husk_trap {
    uint32_t kind;   /* enum husk_trap_kind */
    uint32_t flags;  /* HUSK_FAULT_* for page faults */
    uint32_t code;   /* the CPU's own number for the exception, for reports */
    uint32_t error;  /* the CPU's error code, for reports */
    uintptr_t address;
};

/* Runs the application from *regs in the active address space, on behalf of
 * the calling kernel thread, until it makes a system call or faults; then
 * stores its registers back into *regs, describes why in *trap and returns
 * 0. Timer and device interrupts in between are the platform's business
 * (the kernel may preempt the thread there, see husk_kernel_interrupt_return).
 * -ENOSYS where applications cannot run. Kernel context. */
int husk_plat_user_run(struct husk_user_regs *regs, struct husk_trap *trap);

/* The floating-point and vector state (x87/SSE on x86-64) of the calling
 * kernel thread's application, in the architecture's layout
 * (HUSK_ARCH_FPU_STATE_SIZE bytes): saved into buf, or restored from it
 * (signal handlers run with their own and get the program's back). A
 * restore checks what the CPU would refuse (-EINVAL: reserved bits set in
 * a control register) and changes nothing then; buf NULL restores the
 * state a new program starts with. 0, -EINVAL (len too small) or -ENOSYS
 * where applications cannot run. Kernel context. */
int husk_plat_user_fpu_save(void *buf, size_t len);
int husk_plat_user_fpu_restore(const void *buf, size_t len);

/* ---- The vDSO: clocks programs read without a system call -------------- */

/* How user mode reads the clocks: ns = ((counter - counter_base) * mult)
 * >> shift (a 128-bit product), counter being the architecture's counter
 * that user mode may read (x86-64: the TSC); monotonic time is ns, wall
 * time wall_base + ns: the same values husk_plat_clock_monotonic and
 * husk_plat_clock_wall return. valid 0: no such counter (the vDSO then
 * makes the system call). */
struct husk_user_clock {
    uint64_t counter_base;
    uint64_t mult;
    uint64_t wall_base;
    uint32_t shift;
    uint32_t valid;
};

/* The page the kernel maps read-only right below the vDSO in every
 * program (Linux's vvar): the vDSO finds it at its own address - 4096.
 * seq is odd while the kernel changes it; readers retry until they read
 * the same even value before and after. */
struct husk_vvar {
    uint32_t seq;
    uint32_t getcpu; /* husk_vdso.getcpu */
    struct husk_user_clock clock;
};

/* How the vDSO's getcpu learns the CPU: RDTSCP's TSC_AUX holds each CPU's
 * number (Linux's layout: cpu | node << 12); 0: it asks the kernel. */
#define HUSK_VDSO_GETCPU_RDTSCP 1u

/* The platform's vDSO: an ELF shared object linked at address 0, one
 * loadable segment with its headers (mapped as it is, page aligned, right
 * above its husk_vvar page), exporting Linux's __vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time, __vdso_getcpu and
 * __vdso_clock_getres (version LINUX_2.6); and the clock parameters for
 * its data page. 0, or -ENOSYS where programs do not run or no vDSO was
 * built (programs then get no AT_SYSINFO_EHDR). Kernel context. */
struct husk_vdso {
    const void *image;
    size_t size;
    struct husk_user_clock clock;
    uint32_t getcpu; /* HUSK_VDSO_GETCPU_*, for the data page */
};
int husk_plat_vdso(struct husk_vdso *out);

/* Whether the host asked the system to stop (a graceful stop: husk run
 * got SIGTERM): the signal number it names, reported once with
 * HUSK_EVENT_STOP; 0 when none was asked. The kernel then syncs, unmounts
 * and halts with 128 + signal. Platforms without such a channel return 0.
 * Kernel context. */
int husk_plat_stop_requested(void);

/* A signal the host sends the system's pid 1 (husk kill -s SIGNAL: a
 * SIGHUP that makes a server reload): takes one pending signal number
 * (1..64) and returns it, 0 when none is pending (another of the same
 * number sent meanwhile merges with it, as a standard signal's does).
 * HUSK_EVENT_SIGNAL says some are pending. -ENOSYS on platforms without
 * such a channel. Kernel context. */
int husk_plat_host_signal(void);

/* Ends the whole system with the given exit status (0..255). Flushes the
 * console. Never returns. Any context. */
void husk_plat_halt(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

/* The entry points the kernel provides to the platform (husk_kernel_*). */
#include <husk/kernel.h>

#endif /* HUSK_PLATFORM_H */
