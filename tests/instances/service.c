// A small service for the instance tests (run-instances-test): it answers
// every TCP connection on PORT (default 80) with a line, says so every few
// seconds, rereads its "configuration" on SIGHUP (a line in the log, as
// nginx reloads), and on SIGTERM says goodbye and dies of it (status 143).
// Given DIR, it first writes DIR/f1 ... DIR/f20 ("file N").
// Usage: service [PORT [DIR]]
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t hangups, terminated;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        ++hangups;
    else
        terminated = 1;
}

int main(int argc, char** argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 80;
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (argc > 2) {
        for (int i = 1; i <= 20; ++i) {
            char path[512];
            snprintf(path, sizeof path, "%s/f%d", argv[2], i);
            FILE* f = fopen(path, "w");
            if (!f || fprintf(f, "file %d\n", i) < 0 || fclose(f) != 0) {
                printf("service: cannot write %s: %s\n", path, strerror(errno));
                return 1;
            }
        }
        printf("service: wrote 20 files in %s\n", argv[2]);
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 8) != 0) {
        printf("service: cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("service: listening on port %d\n", port);
    int seen_hangups = 0, answered = 0;
    for (int tick = 0;; ++tick) {
        struct pollfd p = { listener, POLLIN, 0 };
        int ready = poll(&p, 1, 2000);
        while (seen_hangups < hangups)
            printf("service: SIGHUP %d: reloading the configuration\n", ++seen_hangups);
        if (terminated) {
            printf("service: SIGTERM: goodbye after %d answers\n", answered);
            signal(SIGTERM, SIG_DFL);
            raise(SIGTERM);
        }
        if (ready > 0) {
            int c = accept(listener, NULL, NULL);
            if (c >= 0) {
                char line[64];
                int n = snprintf(line, sizeof line, "hello from the service, answer %d\n", ++answered);
                if (write(c, line, (size_t)n) != n)
                    printf("service: write: %s\n", strerror(errno));
                close(c);
            }
        } else if (ready == 0) {
            printf("service: tick %d\n", tick);
        }
    }
}
