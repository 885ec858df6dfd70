/* A burst of concurrent HTTP requests, each on a connection of its own, all
 * connects issued at once: connect-burst HOST PORT PATH COUNT BOUND_S.
 * Every request must be answered "HTTP/1.x 200" and the whole of it (connect,
 * request, response to EOF) take less than BOUND_S seconds; a request that
 * has not finished by then counts as late and the run stops. No speed is
 * asserted: on a loaded host a burst may take long, but no single request
 * may wait for a dropped SYN's retransmissions (1, 3, 7, 15 s).
 * Prints "requests=N ok=N failed=N late=N max_ms=N"; exits 0 if all were ok. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct request {
    int fd;
    double started;
    int sent, done;
    char head[16];
    size_t head_len;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char** argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: connect-burst HOST PORT PATH COUNT BOUND_S\n");
        return 2;
    }
    int count = atoi(argv[4]);
    double bound = atof(argv[5]);
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < (rlim_t)count + 16) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "connect-burst: bad address %s\n", argv[1]);
        return 2;
    }
    char text[512];
    int text_len = snprintf(text, sizeof text, "GET %s HTTP/1.1\r\nHost: burst\r\nConnection: close\r\n\r\n", argv[3]);
    struct request* r = calloc((size_t)count, sizeof *r);
    int ep = epoll_create1(0);
    int failed = 0, ok = 0, late = 0;
    double max_s = 0;
    for (int i = 0; i < count; ++i) {
        r[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (r[i].fd < 0) {
            perror("connect-burst: socket");
            return 2;
        }
        r[i].started = now_s();
        if (connect(r[i].fd, (struct sockaddr*)&to, sizeof to) != 0 && errno != EINPROGRESS) {
            r[i].done = 1;
            ++failed;
            fprintf(stderr, "connect-burst: connect %d: %s\n", i, strerror(errno));
            continue;
        }
        struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (unsigned)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, r[i].fd, &e);
    }
    int left = count - failed;
    double start = now_s();
    while (left > 0) {
        double t = now_s();
        if (t - start > bound)
            break;
        struct epoll_event events[256];
        int n = epoll_wait(ep, events, 256, 100);
        for (int k = 0; k < n; ++k) {
            struct request* q = &r[events[k].data.u32];
            if (q->done)
                continue;
            int error = 0;
            if (!q->sent && (events[k].events & EPOLLOUT)) {
                socklen_t length = sizeof error;
                getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (!error && send(q->fd, text, (size_t)text_len, MSG_NOSIGNAL) != text_len)
                    error = errno ? errno : EIO;
                q->sent = 1;
                struct epoll_event e = { .events = EPOLLIN, .data.u32 = events[k].data.u32 };
                epoll_ctl(ep, EPOLL_CTL_MOD, q->fd, &e);
            }
            int finished = 0;
            if (!error && (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                char buf[65536];
                ssize_t got;
                while ((got = recv(q->fd, buf, sizeof buf, 0)) > 0) {
                    size_t take = sizeof q->head - 1 - q->head_len;
                    if (take > (size_t)got)
                        take = (size_t)got;
                    memcpy(q->head + q->head_len, buf, take);
                    q->head_len += take;
                }
                if (got == 0)
                    finished = 1;
                else if (errno != EAGAIN)
                    error = errno;
            }
            if (!error && !finished)
                continue;
            double took = now_s() - q->started;
            if (took > max_s)
                max_s = took;
            q->head[q->head_len] = 0;
            if (!error && (strncmp(q->head, "HTTP/1.1 200", 12) == 0 || strncmp(q->head, "HTTP/1.0 200", 12) == 0)
                && took < bound) {
                ++ok;
            } else {
                ++failed;
                fprintf(stderr, "connect-burst: request %u: %s after %.1f s (\"%.12s\")\n", events[k].data.u32,
                        error ? strerror(error) : "bad answer", took, q->head);
            }
            q->done = 1;
            close(q->fd);
            --left;
        }
    }
    for (int i = 0; i < count; ++i)
        if (!r[i].done) {
            ++late;
            double took = now_s() - r[i].started;
            if (took > max_s)
                max_s = took;
            struct sockaddr_in self;
            socklen_t length = sizeof self;
            int error = 0;
            socklen_t error_length = sizeof error;
            getsockname(r[i].fd, (struct sockaddr*)&self, &length);
            getsockopt(r[i].fd, SOL_SOCKET, SO_ERROR, &error, &error_length);
            fprintf(stderr, "connect-burst: request %d from port %u: %s after %.1f s\n", i, ntohs(self.sin_port),
                    r[i].sent ? "no answer" : "not connected", took);
        }
    printf("requests=%d ok=%d failed=%d late=%d max_ms=%.0f\n", count, ok, failed, late, max_s * 1000);
    return ok == count ? 0 : 1;
}
