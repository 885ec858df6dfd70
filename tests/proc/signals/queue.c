/* Pending signals: real-time signals queue with their values (lowest
 * number first, in the order sent), standard ones coalesce; sigtimedwait
 * and sigwaitinfo take them synchronously; sigsuspend waits with another
 * mask; a signal sent to the process reaches a thread that does not block
 * it. */
#include "common.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static int seen_sig[64], seen_value[64], seen;
static void record(int sig, siginfo_t *si, void *ctx)
{
    if (seen < 64) {
        seen_sig[seen] = sig;
        seen_value[seen] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
        ++seen;
    }
}

static volatile sig_atomic_t handled;
static volatile pid_t handler_tid;
static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    ++handled;
    handler_tid = (pid_t)syscall(SYS_gettid);
}

static void queue(int sig, int value)
{
    union sigval v = { .sival_int = value };
    if (sigqueue(getpid(), sig, v) != 0)
        say("sigqueue %d failed: %s", sig, result(-1));
}

static volatile sig_atomic_t waiting;
static void *waiter(void *arg)
{
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
    waiting = 1;
    while (!handled)
        usleep(1000);
    return NULL;
}

int main(void)
{
    clean_start();
    int rt = SIGRTMIN; /* the libc keeps a few for itself */
    sigset_t block;
    sigemptyset(&block);
    for (int s = rt; s < rt + 3; ++s) {
        install(s, record, 0);
        sigaddset(&block, s);
    }
    install(SIGUSR1, record, 0);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    queue(rt + 2, 1);
    queue(rt, 2);
    queue(rt + 2, 3);
    queue(SIGUSR1, 4);
    queue(rt + 1, 5);
    queue(rt, 6);
    queue(SIGUSR1, 7); /* coalesces with the first */
    queue(rt + 2, 8);
    sigset_t pending;
    sigpending(&pending);
    say("pending: USR1=%d rt=%d rt+1=%d rt+2=%d", sigismember(&pending, SIGUSR1), sigismember(&pending, rt),
        sigismember(&pending, rt + 1), sigismember(&pending, rt + 2));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    char line[256] = "delivered:";
    for (int i = 0; i < seen; ++i)
        snprintf(line + strlen(line), sizeof line - strlen(line), " %s%d/%d", seen_sig[i] == SIGUSR1 ? "USR1" : "rt+",
                 seen_sig[i] == SIGUSR1 ? 0 : seen_sig[i] - rt, seen_value[i]);
    say("%s", line);

    /* sigtimedwait takes a blocked signal with its siginfo. */
    sigprocmask(SIG_BLOCK, &block, NULL);
    queue(rt + 1, 11);
    queue(rt + 1, 12);
    sigset_t which;
    sigemptyset(&which);
    sigaddset(&which, rt + 1);
    siginfo_t info;
    struct timespec none = { 0, 0 }, short_wait = { 0, 100000000 };
    int sig = sigtimedwait(&which, &info, &none);
    say("sigtimedwait: sig=rt+%d code=%d value=%d pid=%d", sig - rt, info.si_code, info.si_value.sival_int,
        info.si_pid == getpid());
    sig = sigwaitinfo(&which, &info);
    say("sigwaitinfo: sig=rt+%d value=%d", sig - rt, info.si_value.sival_int);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    sig = sigtimedwait(&which, &info, &short_wait);
    clock_gettime(CLOCK_MONOTONIC, &end);
    long waited = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
    say("sigtimedwait 100 ms, nothing: %s waited>=90ms=%d", result(sig), waited >= 90);
    sig = sigtimedwait(&which, &info, &none);
    say("sigtimedwait 0, nothing: %s", result(sig));
    /* A signal it does not wait for, with a handler, interrupts it. */
    install(SIGALRM, on_signal, SA_RESTART);
    struct itimerval t = { { 0, 0 }, { 0, 100000 } };
    setitimer(ITIMER_REAL, &t, NULL);
    handled = 0;
    sig = (int)syscall(SYS_rt_sigtimedwait, &which, &info, NULL, 8); /* (musl's wrapper retries on EINTR) */
    say("rt_sigtimedwait interrupted: %s handled=%d", result(sig), handled);
    /* SIGALRM arriving while blocked and awaited: taken, no handler. */
    sigaddset(&which, SIGALRM);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    setitimer(ITIMER_REAL, &t, NULL);
    handled = 0;
    sig = sigwaitinfo(&which, &info);
    say("sigwaitinfo for SIGALRM: sig=%d code=%d handled=%d", sig, info.si_code, handled);
    /* Awaited, a signal whose default would kill does not. */
    signal(SIGALRM, SIG_DFL);
    setitimer(ITIMER_REAL, &t, NULL);
    sig = sigwaitinfo(&which, &info);
    say("sigwaitinfo for SIGALRM, default action: sig=%d", sig);
    install(SIGALRM, on_signal, SA_RESTART);
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    /* sigsuspend: the handler runs with the suspend mask, the old mask
     * comes back after. */
    sigset_t usr2, old, inside;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, &old);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    setitimer(ITIMER_REAL, &t, NULL);
    handled = 0;
    sigset_t suspend_mask;
    sigemptyset(&suspend_mask);
    sigaddset(&suspend_mask, SIGUSR2);
    int r = sigsuspend(&suspend_mask);
    sigprocmask(SIG_BLOCK, NULL, &inside);
    say("sigsuspend: %s handled=%d ALRM blocked again=%d USR2 blocked=%d", result(r), handled,
        sigismember(&inside, SIGALRM), sigismember(&inside, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* Process-directed: the main thread blocks it, another thread takes it. */
    install(SIGUSR2, on_signal, 0);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    pthread_t thread;
    handled = 0;
    pthread_create(&thread, NULL, waiter, NULL);
    while (!waiting)
        usleep(1000);
    kill(getpid(), SIGUSR2);
    pthread_join(thread, NULL);
    say("kill to the process, main blocks it: handled=%d by another thread=%d", handled,
        handler_tid != (pid_t)syscall(SYS_gettid));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);

    /* rt_sigqueueinfo may not claim kill's si_code for another process. */
    siginfo_t forged;
    memset(&forged, 0, sizeof forged);
    forged.si_code = SI_USER;
    say("rt_sigqueueinfo SI_USER to self: %s", result(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &forged)));
    say("rt_sigqueueinfo to nobody: %s", result(syscall(SYS_rt_sigqueueinfo, 99999, SIGUSR2, &forged)));
    say("queue: done");
    return 0;
}
