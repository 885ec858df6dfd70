// A fork bomb (run only under Husk: on the host it would take the machine):
// every process forks for ever; the first failure ends it. The kernel must
// answer EAGAIN at its process limit and stay up: the bomb is then killed,
// reaped, and one more fork works.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int report[2];
    if (pipe(report) != 0)
        return perror("pipe"), 1;
    prctl(PR_SET_CHILD_SUBREAPER, 1); // the bomb's orphans come back here
    pid_t leader = fork();
    if (leader < 0)
        return perror("fork"), 1;
    if (leader == 0) {
        setpgid(0, 0);
        close(report[0]);
        for (;;) {
            if (fork() < 0) {
                int e = errno;
                (void)!write(report[1], &e, sizeof e);
                pause();
            }
        }
    }
    close(report[1]);
    setpgid(leader, leader);
    int e = 0;
    if (read(report[0], &e, sizeof e) != sizeof e)
        return fprintf(stderr, "no process reported a failed fork\n"), 1;
    printf("fork failed with %s\n", e == EAGAIN ? "EAGAIN" : strerror(e));
    // Kill the group until no child is left: a fork under way may add one.
    long reaped = 0;
    for (;;) {
        kill(-leader, SIGKILL);
        pid_t p = waitpid(-1, NULL, 0);
        if (p > 0)
            ++reaped;
        else if (errno == ECHILD)
            break;
    }
    printf("the bomb is gone: %s\n", reaped > 100 ? "more than 100 processes reaped" : "too few processes");
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    int status = 0;
    if (c < 0 || waitpid(c, &status, 0) != c)
        return perror("fork after the bomb"), 1;
    printf("a fork after it: the child exits %d\n", WEXITSTATUS(status));
    return 0;
}
