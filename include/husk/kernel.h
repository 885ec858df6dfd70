/*
 * husk/kernel.h — the other direction of the platform interface: the entry
 * points the kernel provides and platforms call. Not hypercalls. Included by
 * platform.h, so the kernel files that define these and every platform that
 * calls them see the same prototypes and the compiler checks both sides.
 * They are part of HUSK_PLATFORM_VERSION's contract.
 */
#ifndef HUSK_KERNEL_H
#define HUSK_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Initialises the kernel on the current execution context, which becomes
 * the kernel's first thread ("init"). Returns 0 or a negative errno
 * (-EINVAL also when husk_plat_version() differs from the kernel's). */
int husk_kernel_boot(void);

/* Runs one Linux system call for the current process; returns the result
 * or a negative errno, exactly as the Linux syscall ABI does. Kernel
 * context. */
long husk_kernel_syscall(long nr, const uint64_t args[6]);

/* A new process (a child of the first; its own descriptors and working
 * directory) and its pid, or a negative errno (-ENOSYS before boot); a
 * system call run on its behalf (-ESRCH for an unknown pid); its end (its
 * descriptors are closed; 0 or -ESRCH). For platforms serving remote
 * clients. Kernel context. */
long husk_kernel_process_create(const char *name);
long husk_kernel_syscall_as(long pid, long nr, const uint64_t args[6]);
int husk_kernel_process_destroy(long pid);

/* Configures the network interfaces as the configuration's "net" key says
 * (addresses, DHCP leases awaited). Unikernels do it before their program
 * starts; hosted embedders call it after boot. 0 or a negative errno, with
 * the reason in the kernel log. Kernel context. */
int husk_kernel_configure_network(void);

/* Blocks the calling thread until the platform reports HUSK_EVENT_HOST or
 * the monotonic clock reaches deadline, while every other kernel thread
 * (the network's, timers) keeps running. Returns 1 for the event, 0 for
 * the deadline. For embedders that wait for something of their own (husk
 * server's clients) without stopping the kernel. Kernel context. */
int husk_kernel_wait_host(uint64_t deadline);

/* Runs the program the boot files carry (the first not named "rootfs";
 * that one is unpacked into the root) as the current process, with the
 * configuration's arguments and environment, after mounting the
 * configured disks and configuring the network; unmounts them after.
 * Returns the exit status a shell would show: the program's own, 128 +
 * the signal that killed it, 126 (not a runnable executable), 127 (no
 * program, or it cannot run here) or 125 (mounting or the network
 * failed). Kernel context. */
int husk_kernel_run_program(void);

/* A zeroed 4 KiB page of kernel memory for the platform's own use (page
 * tables of application address spaces), or NULL; and its return. Kernel
 * context. */
void *husk_kernel_page_alloc(void);
void husk_kernel_page_free(void *page);

/* Platforms with interrupts call this at the end of every timer or device
 * interrupt (interrupt context, interrupts disabled, not while the idle
 * thread is in husk_plat_yield), just before resuming the interrupted
 * code; from_user says it was application code. The kernel may switch
 * threads here (preemption) when the interrupted code holds no kernel
 * state. Returns nonzero when interrupted application code should not
 * resume but its run end (husk_plat_user_run reports
 * HUSK_TRAP_INTERRUPTED): a signal waits for the thread. Platforms without
 * interrupts never call it. */
int husk_kernel_interrupt_return(int from_user);

#ifdef __cplusplus
}
#endif

#endif /* HUSK_KERNEL_H */
