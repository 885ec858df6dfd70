/* credentials: real, effective and saved set-IDs (setuid, setreuid,
 * setresuid and the group forms, getresuid/getresgid) with Linux's rules:
 * root may set any; an unprivileged process only to one of its real,
 * effective or saved IDs; setreuid moves the saved ID with the effective
 * one; an effective root is privileged again. Each case runs in a child,
 * which prints nothing: the parent prints what the child's pipe says.
 * (Runs as root, as the test suite does.) */
#include "proctest.h"
#include <sys/syscall.h>

static int out;

static void report(const char* what, long r)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    getresuid(&ru, &eu, &su);
    getresgid(&rg, &eg, &sg);
    dprintf(out, "%s: %s -> uid %u %u %u gid %u %u %u\n", what, outcome(r), ru, eu, su, rg, eg, sg);
}

static void cases(void)
{
    report("start", 0);
    report("setresgid(100, 100, 0)", setresgid(100, 100, 0));
    report("setresuid(1000, 1000, 0)", setresuid(1000, 1000, 0));
    report("setresuid(2000, -1, -1) unprivileged", setresuid(2000, -1, -1));
    report("setresuid(-1, 0, -1): the saved root", setresuid(-1, 0, -1));
    report("setreuid(1000, 1001) as effective root", setreuid(1000, 1001));
    report("setuid(1000): real", setuid(1000));
    report("setuid(1001): the saved one", setuid(1001));
    report("setuid(0): no longer held", setuid(0));
    report("setreuid(1001, -1): to the effective", setreuid(1001, -1));
    report("setreuid(-1, 5): none of them", setreuid(-1, 5));
    report("setregid(-1, 0): the saved group", setregid(-1, 0));
    report("setgid(7): not privileged", setgid(7));
    report("setuid(-1)", setuid(-1));
}

int main(int argc, char** argv)
{
    pt_start("credentials", argc, argv);
    int p[2];
    must(pipe(p) == 0, "pipe");
    pid_t pid = pt_fork();
    if (pid == 0) {
        close(p[0]);
        out = p[1];
        cases();
        _exit(0);
    }
    close(p[1]);
    FILE* in = fdopen(p[0], "r");
    char line[256];
    while (fgets(line, sizeof line, in))
        fputs(line, stdout);
    fclose(in);
    expect_str("the child", status_text(pt_wait(pid)), "exited 0");

    /* A fresh child of root, after execve: the saved IDs follow the
     * effective ones. */
    uid_t ru, eu, su;
    expect_outcome("getresuid", getresuid(&ru, &eu, &su), "ok");
    expect_yes("root's saved uid is 0", su == 0);
    expect_outcome("getresuid(NULL, ...)", syscall(SYS_getresuid, NULL, &eu, &su), "EFAULT");
    return pt_finish();
}
