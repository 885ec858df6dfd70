// The container's program for the husk oci tests (run-oci-test).
//   container hello ARGS...   prints its arguments, $GREETING, its working
//                             directory, host name, uid and gid, and the
//                             CPUs it sees; exits 7
//   container write FILE      writes "written in the container" to FILE
//   container cat             copies its stdin to its stdout
//   container serve           says "serving", then waits; SIGUSR1 is
//                             answered with a line, SIGTERM kills it (143)
//   container http PORT       an HTTP server on PORT: every request gets
//                             "hello from the container"; says "listening"
//   container show FILE       prints FILE
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
        printf("cpus: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
        /* process.capabilities and noNewPrivileges, as the kernel gave them. */
        FILE* status = fopen("/proc/self/status", "r");
        char line[256];
        while (status && fgets(line, sizeof line, status))
            if (strncmp(line, "CapEff:", 7) == 0 || strncmp(line, "CapBnd:", 7) == 0 || strncmp(line, "NoNewPrivs:", 11) == 0)
                printf("%s", line);
        if (status)
            fclose(status);
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
    if (argc > 2 && strcmp(argv[1], "http") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])) };
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (s < 0 || bind(s, (struct sockaddr*)&a, sizeof a) != 0 || listen(s, 16) != 0) {
            perror("http");
            return 1;
        }
        printf("listening\n");
        static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n"
                                    "Connection: close\r\n\r\nhello from the container\n";
        for (;;) {
            int c = accept(s, NULL, NULL);
            if (c < 0)
                continue;
            char request[4096];
            size_t got = 0;
            for (ssize_t n; got < sizeof request - 1 && (n = read(c, request + got, sizeof request - 1 - got)) > 0;) {
                got += (size_t)n;
                request[got] = 0;
                if (strstr(request, "\r\n\r\n"))
                    break;
            }
            (void)!write(c, reply, sizeof reply - 1);
            close(c);
        }
    }
    if (argc > 2 && strcmp(argv[1], "show") == 0) {
        FILE* f = fopen(argv[2], "r");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        for (int ch; (ch = fgetc(f)) != EOF;)
            putchar(ch);
        return 0;
    }
    fprintf(stderr, "usage: container hello|write FILE|cat|serve|http PORT|show FILE\n");
    return 2;
}
