/* Fetches one URL path over HTTP/1.0 and writes the body to stdout — a
 * guest acting as a network client (DNS through the resolver named in
 * /etc/resolv.conf when HOST is a name).
 *
 *   http-get HOST PORT PATH
 *
 * Exit status: 0 for a 200 answer, 1 for another status, 2 when the
 * connection failed (the reason on stderr). */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: http-get HOST PORT PATH\n");
        return 2;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
    int e = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (e) {
        fprintf(stderr, "http-get: %s: %s\n", argv[1], gai_strerror(e));
        return 2;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            perror("http-get: connect");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return 2;
    char request[1024];
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", argv[3], argv[1]);
    if (write(fd, request, (size_t)n) != n) {
        perror("http-get: write");
        return 2;
    }
    /* Header first (up to the blank line), then the body as it comes. */
    char buf[65536];
    size_t used = 0;
    char *body = NULL;
    ssize_t got;
    while (!body && (got = read(fd, buf + used, sizeof buf - 1 - used)) > 0) {
        used += (size_t)got;
        buf[used] = 0;
        body = strstr(buf, "\r\n\r\n");
    }
    if (!body) {
        fprintf(stderr, "http-get: no HTTP answer\n");
        return 2;
    }
    int status = 0;
    sscanf(buf, "HTTP/%*s %d", &status);
    fprintf(stderr, "http-get: status %d\n", status);
    body += 4;
    fwrite(body, 1, used - (size_t)(body - buf), stdout);
    while ((got = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)got, stdout);
    close(fd);
    return status == 200 ? 0 : 1;
}
