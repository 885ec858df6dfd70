/* A dynamically linked program (glibc): run through ld.so, its libc.so.6
 * is mapped from a file (tests/proc/ipc/run-ld-so). It forks, so that the
 * child's copy-on-write of libc's private file pages is exercised too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    char* copy = strdup(argc > 1 ? argv[1] : "none");
    printf("dynamic: argument %s, %zu bytes\n", copy, strlen(copy));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("dynamic: the child runs %s\n", getenv("HUSK_NO_SUCH_VARIABLE") ? "oddly" : "fine");
        return 7;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("dynamic: the child exited %d\n", WEXITSTATUS(status));
    free(copy);
    return 0;
}
