/* A small static-file HTTP/1.1 server on one epoll loop, written against
 * plain Linux: it runs the same on the host and as a Husk unikernel. Tests
 * and benchmarks use it where they must not depend on a package recipe.
 *
 *   http-server [-p PORT] [-r ROOT] [-n REQUESTS]
 *
 * GET and HEAD of files under ROOT (default "."; a directory serves its
 * index.html), keep-alive, 404/405/400 answers, bodies sent with
 * sendfile(2). With -n it exits 0 after serving REQUESTS requests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kRequestMax = 8192, kMaxEvents = 256 };

struct connection {
    int fd;
    char request[kRequestMax];
    size_t used;
    char header[512];
    size_t header_len, header_sent;
    int file;          /* body being sent, or -1 */
    off_t offset, end;
    int close_after;   /* Connection: close, HTTP/1.0 or an error */
};

static const char *root = ".";
static long requests_left = -1; /* -1: serve forever */

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
        return "text/html";
    if (!strcmp(dot, ".txt"))
        return "text/plain";
    if (!strcmp(dot, ".css"))
        return "text/css";
    if (!strcmp(dot, ".js"))
        return "application/javascript";
    if (!strcmp(dot, ".png"))
        return "image/png";
    return "application/octet-stream";
}

static void set_error(struct connection *c, int status, const char *reason)
{
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s\n", status, reason);
    c->header_len = (size_t)snprintf(c->header, sizeof c->header,
                                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                                     "Connection: %s\r\n\r\n%s",
                                     status, reason, n, c->close_after ? "close" : "keep-alive", body);
}

/* Parses the request in c->request (complete up to the blank line) and
 * prepares the answer: header, and the file to send. */
static void prepare_response(struct connection *c)
{
    char method[8], target[1024], version[16];
    c->header_sent = 0;
    c->file = -1;
    if (sscanf(c->request, "%7s %1023s %15s", method, target, version) != 3 || strncmp(version, "HTTP/1.", 7)) {
        c->close_after = 1;
        set_error(c, 400, "Bad Request");
        return;
    }
    c->close_after = !strcmp(version, "HTTP/1.0") || strcasestr(c->request, "\r\nConnection: close");
    int head = !strcmp(method, "HEAD");
    if (!head && strcmp(method, "GET")) {
        set_error(c, 405, "Method Not Allowed");
        return;
    }
    char *query = strchr(target, '?');
    if (query)
        *query = 0;
    if (target[0] != '/' || strstr(target, "/..")) {
        set_error(c, 404, "Not Found");
        return;
    }
    char path[2048];
    snprintf(path, sizeof path, "%s%s", root, target);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        strncat(path, path[strlen(path) - 1] == '/' ? "index.html" : "/index.html", sizeof path - strlen(path) - 1);
    }
    int file = open(path, O_RDONLY | O_CLOEXEC);
    if (file < 0 || fstat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (file >= 0)
            close(file);
        set_error(c, 404, "Not Found");
        return;
    }
    c->header_len = (size_t)snprintf(c->header, sizeof c->header,
                                     "HTTP/1.1 200 OK\r\nServer: husk-example\r\nContent-Type: %s\r\n"
                                     "Content-Length: %lld\r\nConnection: %s\r\n\r\n",
                                     content_type(path), (long long)st.st_size, c->close_after ? "close" : "keep-alive");
    if (head) {
        close(file);
        return;
    }
    c->file = file;
    c->offset = 0;
    c->end = st.st_size;
}

static void finish(int epoll_fd, struct connection *c)
{
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->file >= 0)
        close(c->file);
    free(c);
}

/* Sends what it can; 1 when the response is complete, 0 when the socket is
 * full, -1 on error. */
static int send_response(struct connection *c)
{
    while (c->header_sent < c->header_len) {
        ssize_t n = send(c->fd, c->header + c->header_sent, c->header_len - c->header_sent, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        c->header_sent += (size_t)n;
    }
    while (c->file >= 0 && c->offset < c->end) {
        ssize_t n = sendfile(c->fd, c->file, &c->offset, (size_t)(c->end - c->offset));
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        if (n == 0)
            return -1; /* the file shrank */
    }
    if (c->file >= 0) {
        close(c->file);
        c->file = -1;
    }
    return 1;
}

/* Reads and answers requests until the socket would block. */
static void serve(int epoll_fd, struct connection *c, uint32_t events)
{
    for (;;) {
        if (c->header_len) { /* a response is under way */
            int r = send_response(c);
            if (r < 0) {
                finish(epoll_fd, c);
                return;
            }
            if (r == 0) {
                struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
                epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
                return;
            }
            c->header_len = 0;
            if (requests_left > 0 && --requests_left == 0) {
                finish(epoll_fd, c);
                exit(0);
            }
            if (c->close_after) {
                finish(epoll_fd, c);
                return;
            }
            /* Pipelined requests may already wait in the buffer. */
            char *end = strstr(c->request, "\r\n\r\n");
            size_t consumed = end ? (size_t)(end + 4 - c->request) : c->used;
            memmove(c->request, c->request + consumed, c->used - consumed);
            c->used -= consumed;
            c->request[c->used] = 0;
            struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
            epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
        }
        if (!strstr(c->request, "\r\n\r\n")) {
            if (c->used == kRequestMax - 1) {
                c->close_after = 1;
                set_error(c, 400, "Bad Request");
                c->header_sent = 0;
                continue;
            }
            ssize_t n = recv(c->fd, c->request + c->used, kRequestMax - 1 - c->used, 0);
            if (n <= 0) {
                if (n < 0 && errno == EAGAIN)
                    return;
                finish(epoll_fd, c); /* the client went away */
                return;
            }
            c->used += (size_t)n;
            c->request[c->used] = 0;
            continue;
        }
        prepare_response(c);
    }
    (void)events;
}

static int listen_on(int port)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int family = AF_INET6;
    if (fd < 0) {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        family = AF_INET;
    }
    if (fd < 0) {
        perror("http-server: socket");
        exit(1);
    }
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    int r = family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6) : bind(fd, (struct sockaddr *)&a4, sizeof a4);
    if (r < 0 || listen(fd, 1024) < 0) {
        perror("http-server: bind/listen");
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv)
{
    int port = 80, opt;
    while ((opt = getopt(argc, argv, "p:r:n:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'r': root = optarg; break;
        case 'n': requests_left = atol(optarg); break;
        default:
            fprintf(stderr, "usage: http-server [-p PORT] [-r ROOT] [-n REQUESTS]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    int listener = listen_on(port);
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) {
        perror("http-server: epoll_create1");
        return 1;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &ev);
    printf("http-server: serving %s on port %d\n", root, port);
    fflush(stdout);
    struct epoll_event events[kMaxEvents];
    for (;;) {
        int n = epoll_wait(epoll_fd, events, kMaxEvents, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("http-server: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr) {
                serve(epoll_fd, events[i].data.ptr, events[i].events);
                continue;
            }
            for (;;) { /* accept everything pending */
                int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0)
                    break;
                struct connection *c = calloc(1, sizeof *c);
                if (!c) {
                    close(fd);
                    continue;
                }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c->fd = fd;
                c->file = -1;
                struct epoll_event cev = { .events = EPOLLIN, .data.ptr = c };
                epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &cev);
            }
        }
    }
}
