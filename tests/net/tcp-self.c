// A TCP connection from a program to itself, through an address of its
// own interface (not 127.0.0.1): in a unikernel whose device completes TCP
// checksums, such packets loop back inside the kernel without reaching the
// device, and must still arrive intact. 2 MB each way, every byte checked.
// Usage: tcp-self ADDRESS [PORT]; exit 0 and "tcp-self: OK ..." on success.
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kBytes = 2 * 1000 * 1000 };

static int g_listener;
static long g_server_bad = -1;

static unsigned char pattern(size_t i, int salt) { return (unsigned char)(i * 131 + (i >> 9) + salt); }

static int write_all(int fd, int salt)
{
    unsigned char buf[16384];
    for (size_t done = 0; done < kBytes;) {
        size_t n = kBytes - done < sizeof buf ? kBytes - done : sizeof buf;
        for (size_t i = 0; i < n; ++i)
            buf[i] = pattern(done + i, salt);
        ssize_t w = write(fd, buf, n);
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

// Reads to end of stream; the number of bytes that are wrong or missing.
static long read_check(int fd, int salt)
{
    unsigned char buf[16384];
    size_t got = 0;
    long bad = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        for (ssize_t i = 0; i < r; ++i)
            bad += got + (size_t)i >= kBytes || buf[i] != pattern(got + (size_t)i, salt);
        got += (size_t)r;
    }
    return bad + (got < kBytes ? (long)(kBytes - got) : 0);
}

static void* serve(void* arg)
{
    (void)arg;
    int fd = accept(g_listener, NULL, NULL);
    if (fd < 0)
        return NULL;
    g_server_bad = read_check(fd, 1);
    if (write_all(fd, 2) != 0)
        g_server_bad = -1;
    close(fd);
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tcp-self ADDRESS [PORT]\n");
        return 2;
    }
    struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM }, *ai;
    int e = getaddrinfo(argv[1], argc > 2 ? argv[2] : "7000", &hints, &ai);
    if (e) {
        fprintf(stderr, "tcp-self: %s: %s\n", argv[1], gai_strerror(e));
        return 2;
    }
    g_listener = socket(ai->ai_family, SOCK_STREAM, 0);
    if (g_listener < 0 || bind(g_listener, ai->ai_addr, ai->ai_addrlen) || listen(g_listener, 1)) {
        perror("tcp-self: listen");
        return 1;
    }
    pthread_t server;
    pthread_create(&server, NULL, serve, NULL);
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
        perror("tcp-self: connect");
        return 1;
    }
    struct sockaddr_storage local, peer;
    socklen_t ll = sizeof local, pl = sizeof peer;
    char lname[64] = "?", pname[64] = "?";
    if (!getsockname(fd, (struct sockaddr*)&local, &ll) && !getpeername(fd, (struct sockaddr*)&peer, &pl)) {
        getnameinfo((struct sockaddr*)&local, ll, lname, sizeof lname, NULL, 0, NI_NUMERICHOST);
        getnameinfo((struct sockaddr*)&peer, pl, pname, sizeof pname, NULL, 0, NI_NUMERICHOST);
    }
    if (write_all(fd, 1) != 0 || shutdown(fd, SHUT_WR) != 0) {
        perror("tcp-self: write");
        return 1;
    }
    long bad = read_check(fd, 2);
    pthread_join(server, NULL);
    if (bad != 0 || g_server_bad != 0) {
        printf("tcp-self: FAILED: %ld bad bytes to the server, %ld back\n", g_server_bad, bad);
        return 1;
    }
    printf("tcp-self: OK, %d bytes each way from %s to %s\n", kBytes, lname, pname);
    return 0;
}
