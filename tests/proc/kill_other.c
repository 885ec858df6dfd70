/* kill_other: signals to another process.
 *   - SIGTERM with the default action kills it (WTERMSIG); a handler
 *     runs instead (here it exits 42) and sees the sender's pid and
 *     SI_USER; sigqueue's value and SI_QUEUE arrive too;
 *   - an ignored SIGTERM leaves it running (SIGKILL then ends it);
 *   - a blocked signal stays pending and acts when unblocked;
 *   - kill(pid, 0) probes; a bad signal number: EINVAL; gone: ESRCH. */
#include "proctest.h"

static void on_term(int sig)
{
    (void)sig;
    _exit(42);
}

static volatile sig_atomic_t got_usr, usr_ok;
static void on_usr2(int sig, siginfo_t* info, void* context)
{
    (void)sig;
    (void)context;
    got_usr = 1;
    usr_ok = info->si_pid == getppid() && info->si_uid == getuid()
        && (info->si_code == SI_USER || (info->si_code == SI_QUEUE && info->si_value.sival_int == 1234));
    if (info->si_code == SI_QUEUE)
        usr_ok = usr_ok ? 2 : 0;
}

/* A child that sets itself up with SETUP, says so through a pipe, then
 * waits for signals; returns its pid once it is ready. */
static pid_t ready_child(void (*setup)(void), void (*then)(void))
{
    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        if (setup)
            setup();
        write(p[1], "r", 1);
        close(p[1]);
        if (then)
            then();
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    must(read(p[0], &c, 1) == 1, "child ready");
    close(p[0]);
    return pid;
}

static void catch_term(void) { signal(SIGTERM, on_term); }
static void ignore_term(void) { signal(SIGTERM, SIG_IGN); }
static void catch_usr2(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t s; /* blocked until report_usr2 waits for it */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
}
/* Exits with 10 + what the handler found (11: kill, 12: sigqueue). */
static void report_usr2(void)
{
    sigset_t none;
    sigemptyset(&none);
    while (!got_usr)
        sigsuspend(&none);
    _exit(10 + usr_ok);
}
static void block_usr1(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
}
/* Waits until SIGUSR1 is pending, then unblocks it (and dies of it). */
static void unblock_when_pending(void)
{
    sigset_t pending, s;
    for (int i = 0; i < 10000; i++) {
        sigpending(&pending);
        if (sigismember(&pending, SIGUSR1))
            break;
        sleep_ms(1);
    }
    if (!sigismember(&pending, SIGUSR1))
        _exit(1);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    _exit(2); /* not reached: SIGUSR1's default action ends it */
}

int main(int argc, char** argv)
{
    pt_start("kill_other", argc, argv);

    pid_t pid = ready_child(NULL, NULL);
    expect_outcome("kill(child, 0)", kill(pid, 0), "ok");
    expect_outcome("kill(child, 999)", kill(pid, 999), "EINVAL");
    expect_outcome("kill(child, SIGTERM)", kill(pid, SIGTERM), "ok");
    expect_str("default action", status_text(pt_wait(pid)), "killed by SIGTERM");
    expect_outcome("kill(gone, SIGTERM)", kill(pid, SIGTERM), "ESRCH");

    pid = ready_child(catch_term, NULL);
    kill(pid, SIGTERM);
    expect_str("a SIGTERM handler that exits 42", status_text(pt_wait(pid)), "exited 42");

    pid = ready_child(ignore_term, NULL);
    kill(pid, SIGTERM);
    sleep_ms(100);
    expect_yes("an ignored SIGTERM leaves it running", waitpid(pid, NULL, WNOHANG) == 0);
    kill(pid, SIGKILL);
    expect_str("then SIGKILL", status_text(pt_wait(pid)), "killed by SIGKILL");

    pid = ready_child(catch_usr2, report_usr2);
    kill(pid, SIGUSR2);
    expect_str("the handler sees our pid, uid and SI_USER (11 = yes)", status_text(pt_wait(pid)), "exited 11");
    pid = ready_child(catch_usr2, report_usr2);
    union sigval v = { .sival_int = 1234 };
    expect_outcome("sigqueue", sigqueue(pid, SIGUSR2, v), "ok");
    expect_str("the handler sees SI_QUEUE and the value (12 = yes)", status_text(pt_wait(pid)), "exited 12");

    pid = ready_child(block_usr1, unblock_when_pending);
    kill(pid, SIGUSR1);
    expect_str("a blocked SIGUSR1, pending, then unblocked", status_text(pt_wait(pid)), "killed by SIGUSR1");
    return pt_finish();
}
