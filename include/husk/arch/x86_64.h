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
/* AT_MINSIGSTKSZ: the smallest alternate signal stack a handler fits on
 * (the signal frame with its FPU state, and room to run): MINSIGSTKSZ. */
#define HUSK_ARCH_MINSIGSTKSZ 2048u

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

/* The call's result as the handler left it (the way back to user space
 * reads it to restart an interrupted call). */
static inline long husk_user_syscall_result(const struct husk_user_regs *r) { return (long)r->rax; }
/* Makes the application execute system call nr again when it resumes: the
 * instruction pointer back over SYSCALL (2 bytes), the number back in rax
 * (Linux's restart of an interrupted call). */
static inline void husk_user_syscall_restart(struct husk_user_regs *r, long nr)
{
    r->rax = (uint64_t)nr;
    r->rip -= 2;
}
/* restart_syscall(2), which resumes a call interrupted with
 * ERESTART_RESTARTBLOCK. */
#define HUSK_ARCH_NR_RESTART_SYSCALL 219

/* ---- Signal frames -------------------------------------------------------
 * Linux's x86-64 rt_sigframe (arch/x86/kernel/signal_64.c), which handlers,
 * libcs (makecontext, backtraces through signal frames) and debuggers read:
 * the return address (sa_restorer), a ucontext and the siginfo, with the
 * FPU state above it, 64-byte aligned. */
struct husk_arch_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* the FPU state's address, 0: none */
    uint64_t reserved1[8];
};
struct husk_arch_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};
struct husk_arch_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct husk_arch_stack uc_stack;
    struct husk_arch_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};
struct husk_arch_sigframe {
    uint64_t pretcode; /* where the handler returns: sa_restorer, which calls rt_sigreturn */
    struct husk_arch_ucontext uc;
    uint8_t info[128]; /* siginfo_t */
};
#ifdef __cplusplus
static_assert(sizeof(struct husk_arch_sigcontext) == 256 && sizeof(struct husk_arch_ucontext) == 304
                  && sizeof(struct husk_arch_sigframe) == 440, "Linux's x86-64 signal frame");
#endif

/* The bytes under the stack pointer that a signal frame leaves alone (the
 * System V ABI's red zone). */
#define HUSK_ARCH_STACK_RED_ZONE 128
/* The FPU state a platform saves and restores (husk_plat_user_fpu_*):
 * FXSAVE's image. */
#define HUSK_ARCH_FPU_STATE_SIZE 512
/* What the FPU state takes in a frame: FXSAVE's image, an XSAVE header
 * naming x87 and SSE state, and FP_XSTATE_MAGIC2 after it, as Linux lays
 * out an XSAVE frame (fpx_sw_bytes in FXSAVE's unused tail say so). */
#define HUSK_ARCH_SIGFRAME_FPU_SIZE 580
#define HUSK_ARCH_FP_XSTATE_MAGIC1 0x46505853u
#define HUSK_ARCH_FP_XSTATE_MAGIC2 0x46505845u
/* ucontext's uc_flags: UC_FP_XSTATE, UC_SIGCONTEXT_SS, UC_STRICT_RESTORE_SS. */
#define HUSK_ARCH_UC_FLAGS 7u
/* The selectors Linux shows programs in sigcontext (__USER_CS, __USER_DS). */
#define HUSK_ARCH_LINUX_USER_CS 0x33u
#define HUSK_ARCH_LINUX_USER_DS 0x2bu

/* Where the FPU state goes below sp (the top of the room the frame may
 * use), and the frame below that: aligned so that the handler starts as
 * after a call (rsp + 8 a multiple of 16). */
static inline uint64_t husk_arch_sigframe_fpu_address(uint64_t sp)
{
    return (sp - HUSK_ARCH_SIGFRAME_FPU_SIZE) & ~(uint64_t)63;
}
static inline uint64_t husk_arch_sigframe_address(uint64_t fpu_address)
{
    return ((fpu_address - sizeof(struct husk_arch_sigframe)) & ~(uint64_t)15) - 8;
}
/* The frame rt_sigreturn finds: the handler's return popped pretcode. */
static inline uint64_t husk_arch_sigreturn_frame_address(const struct husk_user_regs *r) { return r->rsp - 8; }

/* Fills a frame with the interrupted registers r, the mask to restore, the
 * FPU state's address, the handler's return address and the last CPU
 * fault (trap number, error code, address) as Linux's sigcontext shows it.
 * The stack (uc_stack) and the siginfo are the caller's. */
static inline void husk_arch_sigframe_fill(struct husk_arch_sigframe *f, const struct husk_user_regs *r,
                                           uint64_t restorer, uint64_t mask, uint64_t fpstate,
                                           uint32_t fault_code, uint32_t fault_error, uint64_t fault_address)
{
    struct husk_arch_sigcontext *sc = &f->uc.uc_mcontext;
    f->pretcode = restorer;
    f->uc.uc_flags = HUSK_ARCH_UC_FLAGS;
    f->uc.uc_link = 0;
    sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
    sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14, sc->r15 = r->r15;
    sc->rdi = r->rdi, sc->rsi = r->rsi, sc->rbp = r->rbp, sc->rbx = r->rbx;
    sc->rdx = r->rdx, sc->rax = r->rax, sc->rcx = r->rcx, sc->rsp = r->rsp;
    sc->rip = r->rip, sc->eflags = r->rflags;
    sc->cs = HUSK_ARCH_LINUX_USER_CS, sc->gs = 0, sc->fs = 0, sc->ss = HUSK_ARCH_LINUX_USER_DS;
    sc->err = fault_error, sc->trapno = fault_code, sc->oldmask = mask, sc->cr2 = fault_address;
    sc->fpstate = fpstate;
    for (int i = 0; i < 8; ++i)
        sc->reserved1[i] = 0;
    f->uc.uc_sigmask = mask;
}
static inline void husk_arch_sigframe_set_stack(struct husk_arch_sigframe *f, uint64_t sp, int32_t flags, uint64_t size)
{
    f->uc.uc_stack.ss_sp = sp;
    f->uc.uc_stack.ss_flags = flags;
    f->uc.uc_stack.pad = 0;
    f->uc.uc_stack.ss_size = size;
}
static inline void husk_arch_sigframe_stack(const struct husk_arch_sigframe *f, uint64_t *sp, int32_t *flags, uint64_t *size)
{
    *sp = f->uc.uc_stack.ss_sp;
    *flags = f->uc.uc_stack.ss_flags;
    *size = f->uc.uc_stack.ss_size;
}
static inline uint64_t husk_arch_sigframe_mask(const struct husk_arch_sigframe *f) { return f->uc.uc_sigmask; }
static inline uint64_t husk_arch_sigframe_fpstate(const struct husk_arch_sigframe *f) { return f->uc.uc_mcontext.fpstate; }
/* Where the handler finds the siginfo and the ucontext, from the frame's address. */
static inline uint64_t husk_arch_sigframe_info_address(uint64_t frame) { return frame + offsetof(struct husk_arch_sigframe, info); }
static inline uint64_t husk_arch_sigframe_uc_address(uint64_t frame) { return frame + offsetof(struct husk_arch_sigframe, uc); }

/* Completes the FPU state of a frame (HUSK_ARCH_SIGFRAME_FPU_SIZE bytes,
 * the first HUSK_ARCH_FPU_STATE_SIZE saved by the platform): Linux's
 * fpx_sw_bytes, the XSAVE header (x87 and SSE) and FP_XSTATE_MAGIC2. */
static inline void husk_arch_sigframe_fpu_finish(uint8_t *area)
{
    uint32_t sw[12] = { HUSK_ARCH_FP_XSTATE_MAGIC1, HUSK_ARCH_SIGFRAME_FPU_SIZE, 3, 0,
                        HUSK_ARCH_SIGFRAME_FPU_SIZE - 4, 0, 0, 0, 0, 0, 0, 0 };
    uint32_t magic2 = HUSK_ARCH_FP_XSTATE_MAGIC2;
    uint64_t header[8] = { 3, 0, 0, 0, 0, 0, 0, 0 }; /* xstate_bv: x87 and SSE; xcomp_bv 0 */
    __builtin_memcpy(area + 464, sw, sizeof sw);
    __builtin_memcpy(area + 512, header, sizeof header);
    __builtin_memcpy(area + 576, &magic2, sizeof magic2);
}

/* Points r at a handler: handler(sig, &frame->info, &frame->uc) on the
 * frame, as a call would leave it (rax 0 for variadic callers), with the
 * direction, resume and trap flags clear. */
static inline void husk_arch_enter_handler(struct husk_user_regs *r, uint64_t handler, int sig, uint64_t frame)
{
    r->rdi = (uint64_t)sig;
    r->rsi = husk_arch_sigframe_info_address(frame);
    r->rdx = husk_arch_sigframe_uc_address(frame);
    r->rax = 0;
    r->rip = handler;
    r->rsp = frame;
    r->rflags &= ~(uint64_t)(0x400 | 0x10000 | 0x100); /* DF, RF, TF */
}

/* rt_sigreturn: the registers the frame holds, the flags a program may
 * change among them (Linux's FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF);
 * the thread pointer stays. */
static inline void husk_arch_sigframe_restore(const struct husk_arch_sigframe *f, struct husk_user_regs *r)
{
    const struct husk_arch_sigcontext *sc = &f->uc.uc_mcontext;
    const uint64_t fix = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
    r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
    r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14, r->r15 = sc->r15;
    r->rdi = sc->rdi, r->rsi = sc->rsi, r->rbp = sc->rbp, r->rbx = sc->rbx;
    r->rdx = sc->rdx, r->rax = sc->rax, r->rcx = sc->rcx, r->rsp = sc->rsp;
    r->rip = sc->rip;
    r->rflags = (r->rflags & ~fix) | (sc->eflags & fix);
}

/* The registers a crash report shows, in order (the general ones, rip,
 * rflags, and the FS and GS bases: a thread pointer's), as Linux's
 * show_regs: fills up to max names and values and returns how many there
 * are. */
static inline size_t husk_user_regs_report(const struct husk_user_regs *r, const char **names, uint64_t *values,
                                           size_t max)
{
    const char *const n[] = { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8 ", "r9 ", "r10", "r11",
                              "r12", "r13", "r14", "r15", "rip", "flg", "fs ", "gs " };
    const uint64_t v[] = { r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp, r->r8, r->r9, r->r10,
                           r->r11, r->r12, r->r13, r->r14, r->r15, r->rip, r->rflags, r->fs_base, r->gs_base };
    size_t count = sizeof v / sizeof v[0];
    for (size_t i = 0; i < count && i < max; ++i) {
        names[i] = n[i];
        values[i] = v[i];
    }
    return count;
}

#endif /* HUSK_ARCH_X86_64_H */
