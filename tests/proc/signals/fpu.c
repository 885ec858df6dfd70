/* The x87/SSE state across a handler: the handler starts with a clean one
 * (MXCSR 0x1f80) and may clobber every XMM register and MXCSR; the
 * program gets its own back. The frame's FPU state is Linux's (the FXSAVE
 * image with the fpx_sw_bytes magic). A bad MXCSR in the frame is a bad
 * frame: SIGSEGV. */
#include "common.h"
#include <setjmp.h>
#include <stdint.h>
#include <ucontext.h>

static volatile sig_atomic_t ran;
static unsigned handler_mxcsr, frame_mxcsr, magic1;
static int fpstate_aligned;

static void clobber(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    __asm__ volatile("stmxcsr %0" : "=m"(handler_mxcsr));
    frame_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    memcpy(&magic1, (char *)uc->uc_mcontext.fpregs + 464, 4);
    fpstate_aligned = ((uintptr_t)uc->uc_mcontext.fpregs & 63) == 0;
    unsigned mxcsr = 0x7f80 | 0x6000; /* round toward zero, all masked */
    __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
    double junk = 1e300;
    __asm__ volatile("movq %0, %%xmm0\n\t"
                     "movq %0, %%xmm1\n\tmovq %0, %%xmm2\n\tmovq %0, %%xmm3\n\tmovq %0, %%xmm4\n\t"
                     "movq %0, %%xmm5\n\tmovq %0, %%xmm6\n\tmovq %0, %%xmm7\n\tmovq %0, %%xmm8\n\t"
                     "movq %0, %%xmm9\n\tmovq %0, %%xmm10\n\tmovq %0, %%xmm11\n\tmovq %0, %%xmm12\n\t"
                     "movq %0, %%xmm13\n\tmovq %0, %%xmm14\n\tmovq %0, %%xmm15\n\t"
                     "fldpi\n\tfldpi\n\tfldpi\n\t" ::"r"(junk)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)");
    ++ran;
}

static sigjmp_buf jump;
static volatile sig_atomic_t segv;
static void bad_mxcsr(int sig, siginfo_t *si, void *ctx)
{
    ((ucontext_t *)ctx)->uc_mcontext.fpregs->mxcsr = 0xffffffff; /* reserved bits set */
}
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ++segv;
    siglongjmp(jump, 1);
}

int main(void)
{
    clean_start();
    install(SIGUSR1, clobber, 0);
    /* Values in every XMM register and a rounding mode of our own, kept
     * across raise() by asm (the compiler does not touch them between). */
    unsigned mine = 0x1f80 | 0x2000; /* round down */
    __asm__ volatile("ldmxcsr %0" ::"m"(mine));
    uint64_t in[16], out[16];
    for (int i = 0; i < 16; ++i)
        in[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
    long pid = getpid(), tid = (long)syscall(186 /* gettid */);
    long ret;
    __asm__ volatile(
        "movq 0(%[in]), %%xmm0\n\tmovq 8(%[in]), %%xmm1\n\tmovq 16(%[in]), %%xmm2\n\tmovq 24(%[in]), %%xmm3\n\t"
        "movq 32(%[in]), %%xmm4\n\tmovq 40(%[in]), %%xmm5\n\tmovq 48(%[in]), %%xmm6\n\tmovq 56(%[in]), %%xmm7\n\t"
        "movq 64(%[in]), %%xmm8\n\tmovq 72(%[in]), %%xmm9\n\tmovq 80(%[in]), %%xmm10\n\tmovq 88(%[in]), %%xmm11\n\t"
        "movq 96(%[in]), %%xmm12\n\tmovq 104(%[in]), %%xmm13\n\tmovq 112(%[in]), %%xmm14\n\tmovq 120(%[in]), %%xmm15\n\t"
        "movl $234, %%eax\n\t" /* tgkill(pid, tid, SIGUSR1): the handler runs on the way back */
        "syscall\n\t"
        "movq %%xmm0, 0(%[out])\n\tmovq %%xmm1, 8(%[out])\n\tmovq %%xmm2, 16(%[out])\n\tmovq %%xmm3, 24(%[out])\n\t"
        "movq %%xmm4, 32(%[out])\n\tmovq %%xmm5, 40(%[out])\n\tmovq %%xmm6, 48(%[out])\n\tmovq %%xmm7, 56(%[out])\n\t"
        "movq %%xmm8, 64(%[out])\n\tmovq %%xmm9, 72(%[out])\n\tmovq %%xmm10, 80(%[out])\n\tmovq %%xmm11, 88(%[out])\n\t"
        "movq %%xmm12, 96(%[out])\n\tmovq %%xmm13, 104(%[out])\n\tmovq %%xmm14, 112(%[out])\n\tmovq %%xmm15, 120(%[out])\n\t"
        : "=a"(ret)
        : [in] "r"(in), [out] "r"(out), "D"(pid), "S"(tid), "d"((long)SIGUSR1)
        : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    unsigned after;
    __asm__ volatile("stmxcsr %0" : "=m"(after));
    int same = 0;
    for (int i = 0; i < 16; ++i)
        same += in[i] == out[i];
    say("handler ran=%d tgkill=%ld; xmm registers kept=%d/16 mxcsr kept=%d", ran, ret, same, after == mine);
    say("in the handler: mxcsr=%#x; the frame's mxcsr is the program's=%d magic=%#x aligned=%d", handler_mxcsr,
        frame_mxcsr == mine, magic1, fpstate_aligned);

    /* Floating point still computes as the program set it. */
    volatile double third = 1.0 / 3.0;
    say("1/3 = %.17g", third);

    install(SIGUSR2, bad_mxcsr, 0);
    install(SIGSEGV, on_segv, 0);
    if (!sigsetjmp(jump, 1))
        raise(SIGUSR2);
    say("a frame with a bad mxcsr: SIGSEGV=%d", segv);
    say("fpu: done");
    return 0;
}
