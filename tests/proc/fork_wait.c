/* fork_wait: fork, _exit codes and wait4's statuses.
 *   - a child is another process (its own pid, its parent's pid as
 *     getppid) with a copy of the parent's memory;
 *   - exit codes 0, 1, 42, 255 and 259 (only the low 8 bits survive) come
 *     back through WIFEXITED/WEXITSTATUS, wait4 returning the child's pid;
 *   - WNOHANG on a running child returns 0; SIGKILL, a null-pointer write
 *     (SIGSEGV) and abort() (SIGABRT) come back as WIFSIGNALED/WTERMSIG;
 *   - 3000 children one after another each fork, exit and are reaped;
 *   - waitpid(-1) collects any child; no children left: ECHILD; a pid that
 *     is not a child: ECHILD; unknown option bits: EINVAL. */
#include "proctest.h"

static int global_value = 1234;

static void write_null(void)
{
    no_core();
    *(volatile int*)0 = 1;
}

int main(int argc, char** argv)
{
    pt_start("fork_wait", argc, argv);
    pid_t parent = getpid();

    /* Who the child is, and what memory it sees (its verdict in its status). */
    int on_stack = 77;
    pid_t pid = pt_fork();
    if (pid == 0) {
        int bad = 0;
        if (getpid() == parent)
            bad |= 1;
        if (getppid() != parent)
            bad |= 2;
        if (global_value != 1234 || on_stack != 77)
            bad |= 4;
        global_value = 1;
        on_stack = 1;
        _exit(bad);
    }
    expect_yes("fork returns a pid other than the parent's", pid > 0 && pid != parent);
    struct rusage ru;
    int status = 0;
    pid_t got = wait4(pid, &status, 0, &ru);
    expect_yes("wait4 returns the child's pid", got == pid);
    int bad = WIFEXITED(status) ? WEXITSTATUS(status) : 8;
    expect_yes("child's getpid differs from the parent's", !(bad & 9));
    expect_yes("child's getppid is the parent", !(bad & 10));
    expect_yes("child sees the parent's memory as it was at fork", !(bad & 12));
    expect_yes("child's writes are not seen by the parent", global_value == 1234 && on_stack == 77);

    const int codes[] = { 0, 1, 42, 255, 259 };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid = pt_fork();
        if (pid == 0)
            _exit(codes[i]);
        status = 0;
        got = wait4(pid, &status, 0, NULL);
        char what[64];
        snprintf(what, sizeof what, "_exit(%d)", codes[i]);
        char want[32];
        snprintf(want, sizeof want, "exited %d", codes[i] & 0xff);
        expect_str(what, got == pid ? status_text(status) : outcome(got), want);
        snprintf(what, sizeof what, "_exit(%d): WIFEXITED, not WIFSIGNALED", codes[i]);
        expect_yes(what, WIFEXITED(status) && !WIFSIGNALED(status) && !WIFSTOPPED(status));
    }

    /* exit() runs the child's stdio and atexit work, then ends it the same way. */
    pid = pt_fork();
    if (pid == 0)
        exit(3);
    expect_str("exit(3)", status_text(pt_wait(pid)), "exited 3");

    pid = pt_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    status = -1;
    got = waitpid(pid, &status, WNOHANG);
    expect_long("WNOHANG on a running child returns", got, 0);
    must(kill(pid, SIGKILL) == 0, "kill");
    status = pt_wait(pid);
    expect_str("SIGKILL", status_text(status), "killed by SIGKILL");
    expect_yes("SIGKILL: WIFSIGNALED, not WIFEXITED", WIFSIGNALED(status) && !WIFEXITED(status));

    pid = pt_fork();
    if (pid == 0) {
        write_null();
        _exit(0);
    }
    expect_str("a write through a null pointer", status_text(pt_wait(pid)), "killed by SIGSEGV");

    pid = pt_fork();
    if (pid == 0) {
        no_core();
        abort();
    }
    expect_str("abort()", status_text(pt_wait(pid)), "killed by SIGABRT");

    /* Three children, collected in any order by waitpid(-1). */
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = pt_fork();
        if (kids[i] == 0)
            _exit(10 + i);
    }
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        status = 0;
        got = waitpid(-1, &status, 0);
        for (int k = 0; k < 3; k++)
            if (got == kids[k] && WIFEXITED(status) && WEXITSTATUS(status) == 10 + k)
                seen |= 1 << k;
    }
    expect_yes("waitpid(-1) collects each of 3 children with its own status", seen == 7);

    /* Many short lives, one after another: each one's resources come back
     * (more than the 1024-process limit and more than a small guest's
     * memory holds at once). */
    int lives = 0;
    for (int i = 0; i < 3000; i++) {
        pid = fork();
        if (pid == 0)
            _exit(7);
        if (pid < 0 || pt_wait(pid) != 7 << 8)
            break;
        lives++;
    }
    expect_long("children forked and reaped one after another", lives, 3000);

    expect_outcome("wait with no children left", wait(NULL), "ECHILD");
    expect_outcome("waitpid(getpid())", waitpid(getpid(), NULL, 0), "ECHILD");
    expect_outcome("waitpid(-1, WNOHANG) with no children", waitpid(-1, NULL, WNOHANG), "ECHILD");
    expect_outcome("wait4 with unknown option bits", wait4(-1, NULL, 0x40000, NULL), "EINVAL");
    return pt_finish();
}
