/* zombies_orphans: a child that exited stays a zombie (its pid still
 * answers kill(pid, 0) and getpgid) until it is waited for, once; an
 * orphan is adopted by the reaper, which can wait for it.
 *
 * The reaper is pid 1 on Linux, or the nearest PR_SET_CHILD_SUBREAPER
 * ancestor. Under husk this test IS pid 1; on the host it makes itself a
 * subreaper. Either way the orphans' new parent is this process, so the
 * output is the same. */
#include "proctest.h"
#include <sys/prctl.h>

int main(int argc, char** argv)
{
    pt_start("zombies_orphans", argc, argv);
    pid_t self = getpid();
    if (self != 1)
        must(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER");

    say("-- a zombie");
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(3);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    must(waitid(P_PID, pid, &info, WEXITED | WNOWAIT) == 0, "waitid WNOWAIT");
    expect_yes("waitid(WNOWAIT) sees it exited", info.si_pid == pid && info.si_code == CLD_EXITED);
    expect_outcome("kill(zombie, 0)", kill(pid, 0), "ok");
    expect_yes("getpgid(zombie) is our group", getpgid(pid) == getpgrp());
    expect_str("waitpid(zombie)", status_text(pt_wait(pid)), "exited 3");
    expect_outcome("kill(pid, 0) once reaped", kill(pid, 0), "ESRCH");
    expect_outcome("waitpid(pid) again", waitpid(pid, NULL, 0), "ECHILD");

    say("-- an orphan");
    int go[2];
    must(pipe(go) == 0, "pipe");
    pid_t middle = pt_fork();
    if (middle == 0) {
        pid_t orphan = fork();
        if (orphan == 0) {
            /* Blocks until the reaper has collected its parent, so that
             * the reparenting is done when it asks. */
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 1)
                _exit(20);
            _exit(getppid() == self ? 0 : 21);
        }
        _exit(orphan > 0 ? 0 : 1);
    }
    close(go[0]);
    expect_str("the orphan's parent", status_text(pt_wait(middle)), "exited 0");
    must(write(go[1], "g", 1) == 1, "write");
    close(go[1]);
    int status = 0;
    pid_t got = waitpid(-1, &status, 0);
    expect_yes("the reaper can wait for the orphan", got > 0 && got != middle);
    expect_str("the orphan's getppid() is the reaper (0 = yes)", status_text(status), "exited 0");

    say("-- a zombie orphan");
    middle = pt_fork();
    if (middle == 0) {
        pid_t zombie = fork();
        if (zombie == 0)
            _exit(9);
        /* Exits without waiting: its zombie child goes to the reaper. */
        siginfo_t i;
        waitid(P_PID, zombie, &i, WEXITED | WNOWAIT);
        _exit(0);
    }
    expect_str("its parent", status_text(pt_wait(middle)), "exited 0");
    status = 0;
    got = waitpid(-1, &status, 0);
    expect_yes("the reaper collects the zombie", got > 0);
    expect_str("the zombie's status", status_text(status), "exited 9");
    expect_outcome("no children left", waitpid(-1, NULL, WNOHANG), "ECHILD");
    return pt_finish();
}
