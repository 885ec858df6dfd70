/* Handlers: siginfo of kill, sigqueue and raise; the mask while a handler
 * runs and after; SA_RESETHAND, SA_NODEFER; a handler changing the mask
 * it returns to; pending and ignored signals; delivery order. */
#include "common.h"
#include <ucontext.h>

static volatile sig_atomic_t count, depth, max_depth;
static siginfo_t last;
static sigset_t mask_inside, uc_mask;

static void record(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    last = *si;
    sigprocmask(SIG_BLOCK, NULL, &mask_inside);
    uc_mask = uc->uc_sigmask;
    ++count;
}

static void nested(int sig, siginfo_t *si, void *ctx)
{
    ++count;
    ++depth;
    if (depth > max_depth)
        max_depth = depth;
    if (count == 1)
        raise(sig); /* runs now only with SA_NODEFER */
    --depth;
}

/* Returns with SIGUSR2 added to the mask the program resumes with. */
static void block_on_return(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    sigaddset(&uc->uc_sigmask, SIGUSR2);
    ++count;
}

static int order[16], ordered;
static void in_order(int sig, siginfo_t *si, void *ctx)
{
    if (ordered < 16)
        order[ordered++] = sig;
}

static int blocked(int sig)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, sig);
}

int main(void)
{
    clean_start();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = record;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);

    kill(getpid(), SIGUSR1);
    say("kill: count=%d signo=%d code=%d pid=%d uid=%d", count, last.si_signo, last.si_code,
        last.si_pid == getpid(), last.si_uid == getuid());
    say("mask inside: USR1=%d USR2=%d TERM=%d; frame's mask: USR1=%d; after: USR1=%d USR2=%d",
        sigismember(&mask_inside, SIGUSR1), sigismember(&mask_inside, SIGUSR2), sigismember(&mask_inside, SIGTERM),
        sigismember(&uc_mask, SIGUSR1), blocked(SIGUSR1), blocked(SIGUSR2));

    union sigval value = { .sival_int = 42 };
    sigqueue(getpid(), SIGUSR1, value);
    say("sigqueue: count=%d code=%d value=%d pid=%d", count, last.si_code, last.si_value.sival_int,
        last.si_pid == getpid());
    raise(SIGUSR1);
    say("raise: count=%d code=%d", count, last.si_code);

    /* SA_RESETHAND: once, then the default. */
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    count = 0;
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    say("SA_RESETHAND: count=%d handler now default=%d; USR1 was blocked inside=%d", count,
        now.sa_handler == SIG_DFL, sigismember(&mask_inside, SIGUSR1));

    /* SA_NODEFER: the handler's own signal interrupts it. */
    for (int nodefer = 0; nodefer <= 1; ++nodefer) {
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = nested;
        sa.sa_flags = SA_SIGINFO | (nodefer ? SA_NODEFER : 0);
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR2, &sa, NULL);
        count = depth = max_depth = 0;
        raise(SIGUSR2);
        say("%s: count=%d deepest=%d", nodefer ? "SA_NODEFER" : "deferred", count, max_depth);
    }

    /* The mask the handler's frame holds is the one the program gets. */
    install(SIGUSR1, block_on_return, 0);
    count = 0;
    raise(SIGUSR1);
    say("frame mask changed: count=%d USR2 blocked after=%d", count, blocked(SIGUSR2));

    /* Pending while blocked; an ignored signal waits while blocked, and is
     * discarded when made ignored. */
    install(SIGUSR2, record, 0);
    count = 0;
    raise(SIGUSR2);
    sigset_t pending;
    sigpending(&pending);
    say("blocked: count=%d pending USR2=%d", count, sigismember(&pending, SIGUSR2));
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    say("unblocked: count=%d", count);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    sigpending(&pending);
    say("ignored but blocked: pending=%d", sigismember(&pending, SIGUSR2));
    install(SIGUSR2, record, 0);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pending);
    say("made ignored: pending=%d", sigismember(&pending, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    raise(SIGCHLD); /* default: ignored */
    raise(SIGURG);
    raise(SIGWINCH);
    say("default-ignored signals: still here");

    /* Unblocked together: lowest number first. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    int sigs[] = { SIGTERM, SIGUSR2, SIGHUP, SIGUSR1, SIGINT };
    for (int i = 0; i < 5; ++i) {
        install(sigs[i], in_order, 0);
        raise(sigs[i]);
    }
    raise(SIGUSR1); /* a standard signal pending twice is delivered once */
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    char line[128] = "order:";
    for (int i = 0; i < ordered; ++i)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %d", order[i]);
    say("%s", line);

    /* Refusals. */
    say("sigaction(SIGKILL): %s", result(sigaction(SIGKILL, &sa, NULL)));
    say("sigaction(SIGSTOP): %s", result(sigaction(SIGSTOP, &sa, NULL)));
    say("sigaction(65): %s", result(syscall(13 /* rt_sigaction */, 65, NULL, NULL, 8)));
    say("rt_sigaction sigsetsize 4: %s", result(syscall(13, SIGUSR1, NULL, &now, 4)));
    say("kill(self, 65): %s", result(kill(getpid(), 65)));
    say("kill(self, -1): %s", result(kill(getpid(), -1)));
    say("kill(99999, 0): %s", result(kill(99999, 0)));
    say("kill(self, 0): %s", result(kill(getpid(), 0)));
    say("tgkill(self, 0 tid): %s", result(syscall(234, getpid(), 0, SIGUSR1)));
    say("sigprocmask(7): %s", result(syscall(14, 7, &all, NULL, 8)));
    sigset_t full;
    sigfillset(&full);
    sigprocmask(SIG_SETMASK, &full, NULL);
    sigprocmask(SIG_SETMASK, NULL, &full);
    say("SIGKILL blockable=%d SIGSTOP blockable=%d", sigismember(&full, SIGKILL), sigismember(&full, SIGSTOP));
    say("handlers: done");
    return 0;
}
