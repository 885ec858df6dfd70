/* pgrp: process groups and sessions. The test runs in a child that makes
 * a session of its own (setsid), so that it starts the same way on the
 * host and as pid 1 of a guest.
 *   - a child starts in its parent's group and session;
 *   - setsid: leads a new session and group; again (a group leader): EPERM;
 *     setpgid of a session leader, even to its own group: EPERM;
 *   - setpgid: a child into a new group and another child into that
 *     group; into a group of another session, or a session leader: EPERM;
 *     a child that has called execve: EACCES; a process that is neither
 *     us nor our child, or is gone: ESRCH; a negative group: EINVAL;
 *   - getpgid/getsid of another process, of a gone one: ESRCH;
 *   - kill(-pgrp) reaches both members of a group; kill(0) our own group. */
#include "proctest.h"

static pid_t idle_child(void)
{
    pid_t pid = pt_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static void session(void)
{
    pid_t self = getpid();
    expect_outcome("setsid", setsid(), "ok");
    expect_yes("getsid(0) is our pid", getsid(0) == self);
    expect_yes("getpgrp() is our pid", getpgrp() == self);
    expect_yes("getpgid(0) is our pid", getpgid(0) == self);
    expect_outcome("setsid again", setsid(), "EPERM");
    expect_outcome("setpgid(0, 0) of a session leader", setpgid(0, 0), "EPERM");

    say("-- a group of two children");
    pid_t a = idle_child(), b = idle_child();
    expect_yes("a child starts in our group", getpgid(a) == self);
    expect_outcome("setpgid(a, a)", setpgid(a, a), "ok");
    expect_outcome("setpgid(b, a)", setpgid(b, a), "ok");
    expect_yes("getpgid(a) is a", getpgid(a) == a);
    expect_yes("getpgid(b) is a", getpgid(b) == a);
    expect_yes("getsid(b) is our session", getsid(b) == self);

    say("-- errors");
    pid_t other = pt_fork();
    if (other == 0) {
        if (setsid() != getpid())
            _exit(1);
        if (setpgid(0, getppid()) != -1 || errno != EPERM)
            _exit(2);
        for (;;)
            pause();
    }
    /* Wait until it has its own session (a failure ends it: "exited N" below). */
    for (int i = 0; i < 5000 && getsid(other) != other; i++)
        sleep_ms(1);
    expect_outcome("setpgid(b, group of another session)", setpgid(b, other), "EPERM");
    expect_outcome("setpgid(session leader child, our group)", setpgid(other, self), "EPERM");
    expect_outcome("setpgid(0, -1)", setpgid(0, -1), "EINVAL");
    expect_outcome("setpgid(parent, parent)", setpgid(getppid(), getppid()), "ESRCH");
    expect_yes("getsid(other) is its own session", getsid(other) == other);
    kill(other, SIGKILL);
    expect_str("the other session's leader", status_text(pt_wait(other)), "killed by SIGKILL");
    expect_outcome("setpgid(gone, gone)", setpgid(other, other), "ESRCH");
    expect_outcome("getpgid(gone)", getpgid(other), "ESRCH");
    expect_outcome("getsid(gone)", getsid(other), "ESRCH");

    int in[2], out[2];
    must(pipe(in) == 0 && pipe(out) == 0, "pipe");
    pid_t execd = pt_fork();
    if (execd == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        char* args[] = { "echoargs", NULL };
        char* env[] = { "PT_BLOCK=1", NULL };
        execve(bin_path("echoargs"), args, env);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    char c;
    must(read(out[0], &c, 1) == 1, "read"); /* it has exec'd and printed */
    expect_outcome("setpgid(child after execve)", setpgid(execd, execd), "EACCES");
    close(in[1]);
    char drain[256];
    while (read(out[0], drain, sizeof drain) > 0) { }
    close(out[0]);
    expect_str("the exec'd child", status_text(pt_wait(execd)), "exited 0");

    say("-- signals to groups");
    expect_outcome("kill(-a, 0)", kill(-a, 0), "ok");
    expect_outcome("kill(-a, SIGTERM)", kill(-a, SIGTERM), "ok");
    expect_str("a", status_text(pt_wait(a)), "killed by SIGTERM");
    expect_str("b", status_text(pt_wait(b)), "killed by SIGTERM");
    expect_outcome("kill(-a, 0) once both are gone", kill(-a, 0), "ESRCH");
    pid_t d = idle_child();
    signal(SIGUSR1, SIG_IGN);
    expect_outcome("kill(0, SIGUSR1): our group, we ignore it", kill(0, SIGUSR1), "ok");
    expect_str("a child in our group", status_text(pt_wait(d)), "killed by SIGUSR1");
}

int main(int argc, char** argv)
{
    pt_start("pgrp", argc, argv);
    pid_t pid = pt_fork();
    if (pid == 0) {
        expect_yes("a child starts in its parent's group", getpgrp() == getpgid(getppid()));
        expect_yes("and session", getsid(0) == getsid(getppid()));
        session();
        fflush(stdout);
        _exit(pt_failures ? 1 : 0);
    }
    int status = pt_wait(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        say("the session's leader: %s", status_text(status));
        pt_failures++;
    }
    return pt_finish();
}
