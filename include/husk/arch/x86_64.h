/*
 * husk/arch/x86_64.h — an application's registers on x86-64 and the
 * accessors through which the portable kernel reads and writes them: the
 * kernel names no register itself. Every platform of this architecture
 * shares the layout (platform/x86_64/userentry.S pushes into it). Included
 * by platform.h; not hypercalls (nothing here is linked).
 */
#ifndef HUSK_ARCH_X86_64_H
#define HUSK_ARCH_X86_64_H

#include <stddef.h>
#include <stdint.h>

/* What a Linux program of this architecture is and expects: the ELF
 * machine it is built for, AT_PLATFORM's name, AT_HWCAP (CPUID.1:EDX of
 * every x86-64 CPU, fpu ... sse2, as Linux reports it; libcs probe CPUID
 * for more), and where Linux puts position-independent executables
 * (ELF_ET_DYN_BASE). */
#define HUSK_ARCH_ELF_MACHINE 62 /* EM_X86_64 */
#define HUSK_ARCH_NAME "x86_64"
#define HUSK_ARCH_HWCAP 0x078bfbffull
#define HUSK_ARCH_PIE_BASE 0x555555554000ull

/* fs_base is the thread pointer (TLS); gs_base is arch_prctl's too. */
struct husk_user_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags, fs_base, gs_base;
};

/* A thread about to start at entry with the given stack pointer: every
 * other register zero, interrupts enabled. */
static inline void husk_user_regs_init(struct husk_user_regs *r, uint64_t entry, uint64_t stack)
{
    /* rsp, then rip and rflags (IF and the reserved bit 1) */
    struct husk_user_regs start = { 0, 0, 0, 0, 0, 0, 0, stack, 0, 0, 0, 0, 0, 0, 0, 0, entry, 0x202, 0, 0 };
    *r = start;
}

/* What crash reports call the instruction pointer. */
#define HUSK_USER_IP_NAME "rip"

static inline uint64_t husk_user_ip(const struct husk_user_regs *r) { return r->rip; }
static inline uint64_t husk_user_sp(const struct husk_user_regs *r) { return r->rsp; }
static inline void husk_user_set_sp(struct husk_user_regs *r, uint64_t sp) { r->rsp = sp; }
static inline void husk_user_set_tls(struct husk_user_regs *r, uint64_t tp) { r->fs_base = tp; }

/* A system call (HUSK_TRAP_SYSCALL) as Linux's x86-64 ABI passes it. */
static inline long husk_user_syscall_nr(const struct husk_user_regs *r) { return (long)r->rax; }
static inline void husk_user_syscall_args(const struct husk_user_regs *r, uint64_t args[6])
{
    args[0] = r->rdi;
    args[1] = r->rsi;
    args[2] = r->rdx;
    args[3] = r->r10;
    args[4] = r->r8;
    args[5] = r->r9;
}
/* Its result, as the application sees it when it resumes (a clone child
 * starts with 0 here). */
static inline void husk_user_syscall_return(struct husk_user_regs *r, uint64_t value) { r->rax = value; }

/* The registers a crash report shows, in order: fills up to max names and
 * values and returns how many there are. */
static inline size_t husk_user_regs_report(const struct husk_user_regs *r, const char **names, uint64_t *values,
                                           size_t max)
{
    const char *const n[] = { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp" };
    const uint64_t v[] = { r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp };
    size_t count = sizeof v / sizeof v[0];
    for (size_t i = 0; i < count && i < max; ++i) {
        names[i] = n[i];
        values[i] = v[i];
    }
    return count;
}

#endif /* HUSK_ARCH_X86_64_H */
