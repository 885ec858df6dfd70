/* sigaltstack: its states and refusals, a handler on it (SS_ONSTACK, EPERM
 * while on it, the frame's uc_stack), SS_AUTODISARM, and the classic use:
 * catching a stack overflow's SIGSEGV. */
#include "common.h"
#include <setjmp.h>
#include <stdint.h>
#include <sys/resource.h>
#include <ucontext.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char *alt;
static const size_t kAltSize = 64 * 1024;
static volatile sig_atomic_t ran, on_alt, state_inside, change_inside, uc_flags_seen, uc_size_ok;
static sigjmp_buf jump;

static int within_alt(const void *p) { return (const char *)p >= alt && (const char *)p < alt + kAltSize; }

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    int local;
    ++ran;
    on_alt = within_alt(&local);
    stack_t now;
    sigaltstack(NULL, &now);
    state_inside = now.ss_flags;
    stack_t other = { .ss_sp = alt, .ss_size = kAltSize, .ss_flags = 0 };
    change_inside = sigaltstack(&other, NULL) == 0 ? 0 : errno;
    uc_flags_seen = uc->uc_stack.ss_flags;
    uc_size_ok = uc->uc_stack.ss_sp == alt && uc->uc_stack.ss_size == kAltSize;
}

static volatile int depth_reached;
static int recurse(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    pad[4095] = (char)n;
    depth_reached = n;
    if (n < 0)
        return 0; /* never: only the stack's end stops it */
    return recurse(n + 1) + pad[0] + pad[4095];
}

static void on_overflow(int sig, siginfo_t *si, void *ctx)
{
    int local;
    on_alt = within_alt(&local);
    ++ran;
    siglongjmp(jump, 1);
}

int main(void)
{
    clean_start();
    stack_t ss;
    sigaltstack(NULL, &ss);
    say("initial: flags=%d sp=%d size=%zu", ss.ss_flags, ss.ss_sp == NULL, ss.ss_size);

    alt = malloc(kAltSize);
    stack_t small = { .ss_sp = alt, .ss_size = 1024, .ss_flags = 0 };
    say("1 KiB: %s", result(sigaltstack(&small, NULL)));
    stack_t bad = { .ss_sp = alt, .ss_size = kAltSize, .ss_flags = 7 };
    say("flags 7: %s", result(sigaltstack(&bad, NULL)));
    stack_t mine = { .ss_sp = alt, .ss_size = kAltSize, .ss_flags = 0 };
    say("64 KiB: %s", result(sigaltstack(&mine, &ss)));
    say("  old: flags=%d", ss.ss_flags);
    sigaltstack(NULL, &ss);
    say("  now: flags=%d sp=%d size=%zu", ss.ss_flags, ss.ss_sp == alt, ss.ss_size);

    install(SIGUSR1, on_usr1, SA_ONSTACK);
    raise(SIGUSR1);
    say("SA_ONSTACK: ran=%d on it=%d state inside=%d change inside=%s uc_stack flags=%d sp/size=%d", ran, on_alt,
        state_inside, change_inside == EPERM ? "EPERM" : "allowed", uc_flags_seen, uc_size_ok);
    install(SIGUSR1, on_usr1, 0);
    raise(SIGUSR1);
    say("without SA_ONSTACK: on it=%d state inside=%d", on_alt, state_inside);

    stack_t autodisarm = { .ss_sp = alt, .ss_size = kAltSize, .ss_flags = SS_AUTODISARM };
    say("SS_AUTODISARM: %s", result(sigaltstack(&autodisarm, NULL)));
    install(SIGUSR1, on_usr1, SA_ONSTACK);
    raise(SIGUSR1);
    sigaltstack(NULL, &ss);
    say("  on it=%d state inside=%d change inside=%s uc_stack flags=%#x; after: flags=%#x", on_alt, state_inside,
        change_inside == EPERM ? "EPERM" : "allowed", (unsigned)uc_flags_seen, (unsigned)ss.ss_flags);

    stack_t off = { .ss_flags = SS_DISABLE };
    say("SS_DISABLE: %s", result(sigaltstack(&off, NULL)));
    sigaltstack(NULL, &ss);
    say("  now: flags=%d size=%zu", ss.ss_flags, ss.ss_size);

    /* A stack overflow: only the alternate stack has room for the handler. */
    struct rlimit eight = { 8 << 20, 8 << 20 };
    setrlimit(RLIMIT_STACK, &eight);
    sigaltstack(&mine, NULL);
    install(SIGSEGV, on_overflow, SA_ONSTACK);
    ran = 0;
    if (!sigsetjmp(jump, 1))
        recurse(0);
    say("stack overflow: caught=%d on the alternate stack=%d deep=%d", ran, on_alt, depth_reached > 1000);
    say("altstack: done");
    return 0;
}
