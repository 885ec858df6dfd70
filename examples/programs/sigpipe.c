/* sigpipe: writing to a pipe or stream socket nobody reads. With SIGPIPE
 * ignored the write fails with EPIPE; with MSG_NOSIGNAL too; with the
 * default action the process ends by SIGPIPE (a shell shows 141), as on
 * Linux — servers that forget to ignore it die that way. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void expect_epipe(const char* what, long r)
{
    printf("sigpipe: %s: %s\n", what, r < 0 && errno == EPIPE ? "EPIPE" : "unexpected");
}

int main(void)
{
    int sv[2], p[2];
    signal(SIGPIPE, SIG_IGN);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || pipe(p) != 0) {
        perror("sigpipe: setup");
        return 1;
    }
    close(sv[1]);
    close(p[0]);
    expect_epipe("ignored, socket", write(sv[0], "x", 1));
    expect_epipe("ignored, pipe", write(p[1], "x", 1));
    signal(SIGPIPE, SIG_DFL);
    expect_epipe("MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
    puts("sigpipe: default action next");
    fflush(stdout);
    write(p[1], "x", 1);
    puts("sigpipe: still alive");
    return 0;
}
