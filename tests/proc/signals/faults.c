/* CPU faults go to handlers: SIGSEGV that fixes the page and resumes
 * (SEGV_ACCERR, SEGV_MAPERR), SIGFPE of a division by zero, SIGILL of ud2
 * resumed past it through the frame's registers, SIGTRAP of int3; what
 * sigcontext says of each (trap number, error code, fault address). */
#include "common.h"
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

static volatile sig_atomic_t faults;
static siginfo_t last;
static long trapno, err, cr2, rip;
static sigjmp_buf jump;
static char *page;

static void remember(siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    last = *si;
    trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    err = uc->uc_mcontext.gregs[REG_ERR];
    cr2 = uc->uc_mcontext.gregs[REG_CR2];
    rip = uc->uc_mcontext.gregs[REG_RIP];
    ++faults;
}

static void make_writable(int sig, siginfo_t *si, void *ctx)
{
    remember(si, ctx);
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void map_again(int sig, siginfo_t *si, void *ctx)
{
    remember(si, ctx);
    mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void jump_out(int sig, siginfo_t *si, void *ctx)
{
    remember(si, ctx);
    siglongjmp(jump, 1);
}

static void skip_ud2(int sig, siginfo_t *si, void *ctx)
{
    remember(si, ctx);
    ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP] += 2;
}

static void resume(int sig, siginfo_t *si, void *ctx) { remember(si, ctx); }

/* The faulting access, in program order with what reads its results. */
#define FAULT(access) do { __asm__ volatile("" ::: "memory"); access; __asm__ volatile("" ::: "memory"); } while (0)

int main(void)
{
    clean_start();

    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    install(SIGSEGV, make_writable, 0);
    FAULT(*(volatile char *)&page[100] = 7);
    say("SEGV_ACCERR: faults=%d signo=%d code=%d addr=%d value=%d", faults, last.si_signo, last.si_code,
        last.si_addr == page + 100, page[100]);
    say("  sigcontext: trapno=%ld err=%ld cr2=%d", trapno, err, cr2 == (long)(page + 100));

    munmap(page, 4096);
    install(SIGSEGV, map_again, 0);
    faults = 0;
    FAULT(*(volatile char *)&page[5] = 9);
    say("SEGV_MAPERR: faults=%d code=%d addr=%d value=%d", faults, last.si_code, last.si_addr == page + 5, page[5]);
    say("  sigcontext: trapno=%ld err=%ld", trapno, err);
    volatile char sink = page[6]; /* a read of a fresh page is no fault */
    (void)sink;

    install(SIGFPE, jump_out, 0);
    faults = 0;
    volatile int zero = 0, answer = 0;
    if (!sigsetjmp(jump, 1))
        answer = 10 / zero;
    say("SIGFPE: faults=%d code=%d addr=%d answer=%d trapno=%ld", faults, last.si_code, last.si_addr != NULL, answer,
        trapno);
    /* siglongjmp put the mask back: SIGFPE is deliverable again. */
    if (!sigsetjmp(jump, 1))
        answer = 20 / zero;
    say("SIGFPE again: faults=%d", faults);

    install(SIGILL, skip_ud2, 0);
    faults = 0;
    FAULT(__asm__ volatile("ud2"));
    say("SIGILL: faults=%d code=%d addr=%d trapno=%ld", faults, last.si_code, last.si_addr == (void *)rip, trapno);

    install(SIGTRAP, resume, 0);
    faults = 0;
    FAULT(__asm__ volatile("int3"));
    say("SIGTRAP: faults=%d code=%d trapno=%ld", faults, last.si_code, trapno);

    /* A protection fault (a privileged instruction): SIGSEGV, SI_KERNEL. */
    install(SIGSEGV, jump_out, 0);
    faults = 0;
    if (!sigsetjmp(jump, 1))
        __asm__ volatile("hlt");
    say("hlt: faults=%d signo=%d code=%d addr=%d trapno=%ld", faults, last.si_signo, last.si_code, last.si_addr != NULL,
        trapno);
    say("faults: done");
    return 0;
}
