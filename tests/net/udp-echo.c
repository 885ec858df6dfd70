/* A UDP echo server for the guest (tests/net/run-net-test udp): binds
 * [::]:PORT (both families), prints "udp-echo: ready", sends every
 * datagram back to its sender prefixed with "echo:", and exits 0 after
 * echoing "quit". Usage: udp-echo PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: udp-echo PORT\n");
        return 2;
    }
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)atoi(argv[1])) };
    int off = 0;
    if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0
        || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("udp-echo: socket");
        return 1;
    }
    printf("udp-echo: ready\n");
    fflush(stdout);
    for (;;) {
        char in[2048], out[2100];
        struct sockaddr_storage from;
        socklen_t size = sizeof from;
        ssize_t n = recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&from, &size);
        if (n < 0) {
            perror("udp-echo: recvfrom");
            return 1;
        }
        memcpy(out, "echo:", 5);
        memcpy(out + 5, in, (size_t)n);
        if (sendto(fd, out, (size_t)n + 5, 0, (struct sockaddr *)&from, size) < 0) {
            perror("udp-echo: sendto");
            return 1;
        }
        if (n == 4 && memcmp(in, "quit", 4) == 0)
            return 0;
    }
}
