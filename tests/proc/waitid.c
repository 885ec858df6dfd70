/* waitid: the siginfo it fills.
 *   - P_PID, WEXITED: si_signo SIGCHLD, si_pid, si_uid, si_code
 *     CLD_EXITED, si_status the exit code; CLD_KILLED with the signal;
 *   - WNOHANG with nothing to report: 0, and si_signo/si_pid zeroed;
 *   - WNOWAIT leaves the child waitable;
 *   - P_ALL collects every child; P_PGID a child in its own group;
 *   - no WEXITED/WSTOPPED/WCONTINUED: EINVAL; no such child: ECHILD. */
#include "proctest.h"

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

static pid_t idle_child(void)
{
    pid_t pid = pt_fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

int main(int argc, char** argv)
{
    pt_start("waitid", argc, argv);
    siginfo_t info;

    say("-- P_PID, an exit");
    pid_t pid = pt_fork();
    if (pid == 0)
        _exit(7);
    memset(&info, 0x55, sizeof info);
    expect_outcome("waitid", waitid(P_PID, pid, &info, WEXITED), "ok");
    expect_str("si_signo", signal_name(info.si_signo), "SIGCHLD");
    expect_yes("si_pid is the child", info.si_pid == pid);
    expect_yes("si_uid is ours", info.si_uid == getuid());
    expect_str("si_code", code_name(info.si_code), "CLD_EXITED");
    expect_long("si_status", info.si_status, 7);
    expect_outcome("waitid again", waitid(P_PID, pid, &info, WEXITED), "ECHILD");

    say("-- P_PID, killed");
    pid = idle_child();
    memset(&info, 0x55, sizeof info);
    expect_outcome("WNOHANG while it runs", waitid(P_PID, pid, &info, WEXITED | WNOHANG), "ok");
    expect_long("si_pid", info.si_pid, 0);
    expect_long("si_signo", info.si_signo, 0);
    must(kill(pid, SIGTERM) == 0, "kill");
    memset(&info, 0, sizeof info);
    expect_outcome("WNOWAIT", waitid(P_PID, pid, &info, WEXITED | WNOWAIT), "ok");
    expect_str("si_code", code_name(info.si_code), "CLD_KILLED");
    expect_str("si_status", signal_name(info.si_status), "SIGTERM");
    memset(&info, 0, sizeof info);
    expect_outcome("waitid after WNOWAIT", waitid(P_PID, pid, &info, WEXITED), "ok");
    expect_yes("si_pid is the child", info.si_pid == pid);
    expect_str("si_code", code_name(info.si_code), "CLD_KILLED");
    pid = idle_child();
    must(kill(pid, SIGKILL) == 0, "kill");
    expect_outcome("waitid", waitid(P_PID, pid, &info, WEXITED), "ok");
    expect_str("SIGKILL: si_code", code_name(info.si_code), "CLD_KILLED");
    expect_str("SIGKILL: si_status", signal_name(info.si_status), "SIGKILL");

    say("-- P_ALL");
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = pt_fork();
        if (kids[i] == 0)
            _exit(20 + i);
    }
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED) != 0)
            break;
        for (int k = 0; k < 3; k++)
            if (info.si_pid == kids[k] && info.si_code == CLD_EXITED && info.si_status == 20 + k)
                seen |= 1 << k;
    }
    expect_yes("each of 3 children, with its own status", seen == 7);
    expect_outcome("P_ALL with none left", waitid(P_ALL, 0, &info, WEXITED), "ECHILD");

    say("-- P_PGID");
    pid = idle_child();
    must(setpgid(pid, pid) == 0, "setpgid");
    pid_t other = idle_child(); /* in our group: not reported */
    kill(pid, SIGKILL);
    memset(&info, 0, sizeof info);
    expect_outcome("waitid(P_PGID, its group)", waitid(P_PGID, pid, &info, WEXITED), "ok");
    expect_yes("si_pid is the child in that group", info.si_pid == pid);
    memset(&info, 0x55, sizeof info);
    expect_outcome("P_PGID with WNOHANG on our own group", waitid(P_PGID, getpgrp(), &info, WEXITED | WNOHANG), "ok");
    expect_long("si_pid", info.si_pid, 0);
    kill(other, SIGKILL);
    expect_str("the other child", status_text(pt_wait(other)), "killed by SIGKILL");

    say("-- errors");
    expect_outcome("no WEXITED, WSTOPPED or WCONTINUED", waitid(P_ALL, 0, &info, WNOHANG), "EINVAL");
    expect_outcome("P_PID of a pid that is not a child", waitid(P_PID, getpid(), &info, WEXITED), "ECHILD");
    expect_outcome("an unknown idtype", waitid((idtype_t)42, 0, &info, WEXITED), "EINVAL");
    return pt_finish();
}
