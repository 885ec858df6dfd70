// The container's program for the husk oci tests (run-oci-test).
//   container hello ARGS...   prints its arguments, $GREETING, its working
//                             directory, host name, uid and gid; exits 7
//   container write FILE      writes "written in the container" to FILE
//   container cat             copies its stdin to its stdout
//   container serve           says "serving", then waits; SIGUSR1 is
//                             answered with a line, SIGTERM kills it (143)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_usr1(int sig)
{
    (void)sig;
    static const char line[] = "got SIGUSR1\n";
    (void)!write(1, line, sizeof line - 1);
}

int main(int argc, char** argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "hello") == 0) {
        for (int i = 2; i < argc; ++i)
            printf("arg: %s\n", argv[i]);
        const char* greeting = getenv("GREETING");
        printf("GREETING=%s\n", greeting ? greeting : "(unset)");
        char cwd[256], host[256];
        printf("cwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
        printf("hostname: %s\n", gethostname(host, sizeof host) == 0 ? host : "?");
        printf("uid: %d gid: %d\n", (int)getuid(), (int)getgid());
        fprintf(stderr, "to stderr\n");
        return 7;
    }
    if (argc > 2 && strcmp(argv[1], "write") == 0) {
        FILE* f = fopen(argv[2], "w");
        if (!f || fputs("written in the container\n", f) < 0 || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cat") == 0) {
        char buf[4096];
        for (ssize_t n; (n = read(0, buf, sizeof buf)) > 0;)
            (void)!write(1, buf, (size_t)n);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
        signal(SIGUSR1, on_usr1);
        printf("serving\n");
        for (;;)
            pause();
    }
    fprintf(stderr, "usage: container hello|write FILE|cat|serve\n");
    return 2;
}
