/* stop_cont: stopping and continuing another process.
 *   - SIGSTOP stops it: waitpid(WUNTRACED) says so, and waitid(WSTOPPED)
 *     would; SIGCONT continues it: waitpid(WCONTINUED) says so; the
 *     parent's SIGCHLD handler sees CLD_STOPPED and CLD_CONTINUED, unless
 *     SA_NOCLDSTOP;
 *   - SIGTERM to a stopped process waits until it continues;
 *     SIGKILL ends a stopped process at once;
 *   - SIGTSTP's default action stops too (in a process group that is not
 *     orphaned: Linux discards it in an orphaned one, so this part runs
 *     in a session of its own, in a child in a group of its own). */
#include "proctest.h"

static volatile sig_atomic_t caught, last_code, last_status;

static void on_chld(int sig, siginfo_t* info, void* context)
{
    (void)sig;
    (void)context;
    caught++;
    last_code = info->si_code;
    last_status = info->si_status;
}

static void catch_chld(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | flags;
    must(sigaction(SIGCHLD, &sa, NULL) == 0, "sigaction");
}

static const char* code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "other";
    }
}

/* A child that stops itself with SIG, then exits 0 once `release` (a
 * pipe) reaches EOF. */
static pid_t stopping_child(int sig, int release[2])
{
    must(pipe(release) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(release[1]);
        raise(sig);
        char c;
        while (read(release[0], &c, 1) > 0) { }
        _exit(0);
    }
    close(release[0]);
    return pid;
}

/* The same in a process group of its own (set by both, so that it is so
 * before either goes on). */
static pid_t stopping_child_in_group(int sig, int release[2])
{
    must(pipe(release) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(release[1]);
        setpgid(0, 0);
        raise(sig);
        char c;
        while (read(release[0], &c, 1) > 0) { }
        _exit(0);
    }
    setpgid(pid, pid);
    close(release[0]);
    return pid;
}

static int wait_with(pid_t pid, int options)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, options)) == -1 && errno == EINTR) { }
    return r == pid ? status : -1;
}

int main(int argc, char** argv)
{
    pt_start("stop_cont", argc, argv);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);

    say("-- SIGSTOP and SIGCONT, with a SIGCHLD handler");
    catch_chld(0);
    sigprocmask(SIG_BLOCK, &chld, &old);
    caught = 0;
    int release[2];
    pid_t pid = stopping_child(SIGSTOP, release);
    while (!caught)
        sigsuspend(&old);
    expect_str("SIGCHLD: si_code", code_name(last_code), "CLD_STOPPED");
    expect_str("SIGCHLD: si_status", signal_name(last_status), "SIGSTOP");
    expect_str("waitpid(WUNTRACED)", status_text(wait_with(pid, WUNTRACED)), "stopped by SIGSTOP");
    expect_long("waitpid(WUNTRACED | WNOHANG) again", waitpid(pid, NULL, WUNTRACED | WNOHANG), 0);
    caught = 0;
    must(kill(pid, SIGCONT) == 0, "kill");
    while (!caught)
        sigsuspend(&old);
    expect_str("SIGCHLD: si_code", code_name(last_code), "CLD_CONTINUED");
    expect_str("SIGCHLD: si_status", signal_name(last_status), "SIGCONT");
    expect_str("waitpid(WCONTINUED)", status_text(wait_with(pid, WCONTINUED)), "continued");
    close(release[1]);
    expect_str("then", status_text(pt_wait(pid)), "exited 0");
    sigprocmask(SIG_SETMASK, &old, NULL);

    say("-- SA_NOCLDSTOP");
    catch_chld(SA_NOCLDSTOP);
    caught = 0;
    pid = stopping_child(SIGSTOP, release);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    expect_outcome("waitid(WSTOPPED)", waitid(P_PID, pid, &info, WSTOPPED), "ok");
    expect_str("si_code", code_name(info.si_code), "CLD_STOPPED");
    expect_long("SIGCHLD handler calls", caught, 0);
    must(kill(pid, SIGCONT) == 0, "kill");
    memset(&info, 0, sizeof info);
    expect_outcome("waitid(WCONTINUED)", waitid(P_PID, pid, &info, WCONTINUED), "ok");
    expect_str("si_code", code_name(info.si_code), "CLD_CONTINUED");
    close(release[1]);
    expect_str("then", status_text(pt_wait(pid)), "exited 0");
    expect_long("SIGCHLD handler calls (the exit only)", caught, 1);
    signal(SIGCHLD, SIG_DFL);

    say("-- signals to a stopped process");
    pid = stopping_child(SIGSTOP, release);
    expect_str("stopped", status_text(wait_with(pid, WUNTRACED)), "stopped by SIGSTOP");
    must(kill(pid, SIGTERM) == 0, "kill");
    sleep_ms(100);
    expect_long("SIGTERM while stopped: still there (WNOHANG)", waitpid(pid, NULL, WNOHANG), 0);
    must(kill(pid, SIGCONT) == 0, "kill");
    expect_str("continued, SIGTERM acts", status_text(pt_wait(pid)), "killed by SIGTERM");
    close(release[1]);

    pid = stopping_child(SIGSTOP, release);
    expect_str("stopped", status_text(wait_with(pid, WUNTRACED)), "stopped by SIGSTOP");
    must(kill(pid, SIGKILL) == 0, "kill");
    expect_str("SIGKILL while stopped", status_text(pt_wait(pid)), "killed by SIGKILL");
    close(release[1]);

    say("-- SIGTSTP");
    pid_t leader = pt_fork();
    if (leader == 0) {
        must(setsid() == getpid(), "setsid");
        pid = stopping_child_in_group(SIGTSTP, release);
        expect_str("SIGTSTP's default action", status_text(wait_with(pid, WUNTRACED)), "stopped by SIGTSTP");
        must(kill(pid, SIGCONT) == 0, "kill");
        close(release[1]);
        expect_str("continued", status_text(pt_wait(pid)), "exited 0");
        fflush(stdout);
        _exit(pt_failures ? 1 : 0);
    }
    int status = pt_wait(leader);
    if (status != 0) {
        say("the session's leader: %s", status_text(status));
        pt_failures++;
    }
    return pt_finish();
}
