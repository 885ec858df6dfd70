/* sigchld: SIGCHLD reaches the parent.
 *   - a SA_SIGINFO handler runs when a child exits or is killed, with
 *     si_pid, si_code (CLD_EXITED, CLD_KILLED) and si_status; the child
 *     stays waitable;
 *   - SIGCHLD set to SIG_IGN: children are reaped by the kernel, wait
 *     blocks until they are gone and then fails with ECHILD;
 *   - SA_NOCLDWAIT with a handler: reaped by the kernel too, and the
 *     handler still runs;
 *   - a read blocked in the parent is interrupted by the handler (EINTR)
 *     without SA_RESTART and carries on with it. */
#include "proctest.h"

static volatile sig_atomic_t caught, last_pid, last_code, last_status;

static void on_chld(int sig, siginfo_t* info, void* context)
{
    (void)sig;
    (void)context;
    caught++;
    last_pid = info->si_pid;
    last_code = info->si_code;
    last_status = info->si_status;
}

static void catch_chld(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    must(sigaction(SIGCHLD, &sa, NULL) == 0, "sigaction");
}

static const char* code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "other";
    }
}

/* Waits (with SIGCHLD blocked outside the wait) until the handler ran. */
static void await_handler(const sigset_t* unblocked)
{
    while (!caught)
        sigsuspend(unblocked);
}

int main(int argc, char** argv)
{
    pt_start("sigchld", argc, argv);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    must(sigprocmask(SIG_BLOCK, &chld, &old) == 0, "sigprocmask");

    say("-- a handler, child exits with 4");
    catch_chld(0);
    caught = 0;
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(4);
    await_handler(&old);
    expect_long("handler ran", caught, 1);
    expect_yes("si_pid is the child", last_pid == pid);
    expect_str("si_code", code_name(last_code), "CLD_EXITED");
    expect_long("si_status", last_status, 4);
    expect_str("the child is still waitable", status_text(pt_wait(pid)), "exited 4");

    say("-- a handler, child killed by SIGKILL");
    caught = 0;
    pid = pt_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    must(kill(pid, SIGKILL) == 0, "kill");
    await_handler(&old);
    expect_yes("si_pid is the child", last_pid == pid);
    expect_str("si_code", code_name(last_code), "CLD_KILLED");
    expect_str("si_status", signal_name(last_status), "SIGKILL");
    expect_str("waitpid", status_text(pt_wait(pid)), "killed by SIGKILL");

    say("-- SIGCHLD ignored");
    must(signal(SIGCHLD, SIG_IGN) != SIG_ERR, "signal");
    must(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "sigprocmask");
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = pt_fork();
        if (kids[i] == 0) {
            sleep_ms(50 * i);
            _exit(0);
        }
    }
    expect_outcome("wait blocks until both are gone, then", wait(NULL), "ECHILD");
    expect_outcome("kill(first child, 0)", kill(kids[0], 0), "ESRCH");
    expect_outcome("kill(second child, 0)", kill(kids[1], 0), "ESRCH");

    say("-- SA_NOCLDWAIT with a handler");
    must(sigprocmask(SIG_BLOCK, &chld, NULL) == 0, "sigprocmask");
    catch_chld(SA_NOCLDWAIT);
    caught = 0;
    pid = pt_fork();
    if (pid == 0)
        _exit(6);
    await_handler(&old);
    expect_long("handler ran", caught, 1);
    expect_str("si_code", code_name(last_code), "CLD_EXITED");
    expect_long("si_status", last_status, 6);
    expect_outcome("waitpid(child)", waitpid(pid, NULL, 0), "ECHILD");

    say("-- a blocking read and the handler");
    catch_chld(0);
    must(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "sigprocmask");
    int p[2];
    must(pipe(p) == 0, "pipe");
    caught = 0;
    pid = pt_fork();
    if (pid == 0) {
        sleep_ms(300); /* the parent is in read() by then */
        _exit(0);
    }
    char c;
    errno = 0;
    long r = read(p[0], &c, 1);
    expect_outcome("without SA_RESTART the read fails", r, "EINTR");
    expect_long("handler ran", caught, 1);
    pt_wait(pid);

    catch_chld(SA_RESTART);
    caught = 0;
    pid_t first = pt_fork();
    if (first == 0) {
        sleep_ms(300);
        _exit(0);
    }
    pid_t writer = pt_fork();
    if (writer == 0) {
        sleep_ms(900); /* after the first child's SIGCHLD */
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    r = read(p[0], &c, 1);
    expect_yes("with SA_RESTART the read carries on and gets the byte", r == 1 && c == 'w');
    expect_yes("handler ran", caught >= 1);
    pt_wait(first);
    pt_wait(writer);
    return pt_finish();
}
