/* The rules of SCM_RIGHTS in one process: MSG_CTRUNC when the control
 * buffer is short (what did not fit is closed), MSG_CMSG_CLOEXEC, a
 * stream read stopping after the bytes that carried descriptors, a plain
 * read dropping them, MSG_PEEK duplicating them, records keeping theirs
 * when truncated, and sendmsg's errors (EBADF, EINVAL). */
#include <poll.h>
#include "proctest.h"
#include "errnames.h"
#include "fdpass.h"

/* Whether the pipe whose read end is r has no writer left (EOF). */
static const char* writers_of(int r)
{
    struct pollfd p = { r, POLLIN, 0 };
    poll(&p, 1, 0);
    return (p.revents & POLLHUP) ? "none" : "some";
}

static void pipe3(int r[3], int w[3])
{
    for (int i = 0; i < 3; i++) {
        int p[2];
        must(pipe(p) == 0, "pipe");
        r[i] = p[0];
        w[i] = p[1];
    }
}

static void close_received(struct received* r)
{
    for (int i = 0; i < r->nfds; i++)
        close(r->fds[i]);
}

static void control_room(void)
{
    int sv[2], r[3], w[3];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    pipe3(r, w);
    expect_long("send 3 write ends", send_fds(sv[0], "abc", w, 3), 3);
    for (int i = 0; i < 3; i++)
        close(w[i]);
    expect_str("in flight: pipe 3's writers", writers_of(r[2]), "some");
    struct received got = recv_fds(sv[1], 3, CMSG_SPACE(sizeof(int)), 0); /* room for 2 */
    expect_str("recvmsg, room for 2", describe(&got), "3 bytes \"abc\", 2 fds, MSG_CTRUNC controllen 24");
    expect_str("pipe 1's writers", writers_of(r[0]), "some");
    expect_str("pipe 3's writers (did not fit: closed)", writers_of(r[2]), "none");
    close_received(&got);
    expect_str("pipe 1's writers after closing what came", writers_of(r[0]), "none");

    for (int i = 0; i < 3; i++)
        close(r[i]);
    int more[3];
    pipe3(r, more);
    expect_long("send 1", send_fds(sv[0], "d", more, 1), 1);
    close(more[0]);
    got = recv_fds(sv[1], 1, 8, 0); /* not even a header */
    expect_str("recvmsg, 8 bytes of room", describe(&got), "1 bytes \"d\", 0 fds, MSG_CTRUNC controllen 0");
    expect_str("its writers", writers_of(r[0]), "none");
    expect_long("send 1", send_fds(sv[0], "e", &more[1], 1), 1);
    close(more[1]);
    got = recv_fds(sv[1], 1, sizeof(struct cmsghdr), 0); /* a header, no room for an int */
    expect_str("recvmsg, room for a header only", describe(&got), "1 bytes \"e\", 0 fds, MSG_CTRUNC controllen 0");
    expect_long("send 1", send_fds(sv[0], "f", &more[2], 1), 1);
    close(more[2]);
    got = recv_fds(sv[1], 1, 0, 0); /* no control buffer */
    expect_str("recvmsg, no control buffer", describe(&got), "1 bytes \"f\", 0 fds, MSG_CTRUNC controllen 0");
    expect_str("its writers", writers_of(r[2]), "none");
    for (int i = 0; i < 3; i++)
        close(r[i]);
    close(sv[0]);
    close(sv[1]);
}

static void cloexec(void)
{
    int sv[2];
    must(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
    int fd = 0;
    send_fds(sv[0], "x", &fd, 1);
    struct received got = recv_fds(sv[1], 1, CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC);
    expect_str("recvmsg MSG_CMSG_CLOEXEC", describe(&got), "1 bytes \"x\", 1 fds, MSG_CMSG_CLOEXEC controllen 24");
    expect_long("its FD_CLOEXEC", fcntl(got.fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    expect_yes("a new descriptor (lowest free)", got.fds[0] == 5);
    close_received(&got);
    send_fds(sv[0], "y", &fd, 1);
    got = recv_fds(sv[1], 1, CMSG_SPACE(sizeof(int)), 0);
    expect_long("without it: FD_CLOEXEC", fcntl(got.fds[0], F_GETFD) & FD_CLOEXEC, 0);
    close_received(&got);
    close(sv[0]);
    close(sv[1]);
}

static void stream_boundaries(void)
{
    int sv[2], r[3], w[3];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    pipe3(r, w);
    send_fds(sv[0], "ab", &w[0], 1);
    send_fds(sv[0], "cd", &w[1], 1);
    struct received got = recv_fds(sv[1], 10, CMSG_SPACE(4 * sizeof(int)), 0);
    expect_str("stream: two sends with fds, first read", describe(&got), "2 bytes \"ab\", 1 fds, controllen 24");
    close_received(&got);
    got = recv_fds(sv[1], 10, CMSG_SPACE(4 * sizeof(int)), 0);
    expect_str("stream: second read", describe(&got), "2 bytes \"cd\", 1 fds, controllen 24");
    close_received(&got);

    send_fds(sv[0], "xy", NULL, -1);
    send_fds(sv[0], "zw", &w[2], 1);
    send_fds(sv[0], "tail", NULL, -1);
    got = recv_fds(sv[1], 10, CMSG_SPACE(4 * sizeof(int)), 0);
    expect_str("stream: plain bytes, then bytes with fds", describe(&got), "4 bytes \"xyzw\", 1 fds, controllen 24");
    close_received(&got);
    got = recv_fds(sv[1], 10, CMSG_SPACE(4 * sizeof(int)), 0);
    expect_str("stream: then the rest", describe(&got), "4 bytes \"tail\", 0 fds, controllen 0");

    /* Bytes with fds read in pieces: the fds come with the first piece. */
    send_fds(sv[0], "12345", &w[0], 1);
    got = recv_fds(sv[1], 2, CMSG_SPACE(sizeof(int)), 0);
    expect_str("stream: first piece", describe(&got), "2 bytes \"12\", 1 fds, controllen 24");
    close_received(&got);
    got = recv_fds(sv[1], 10, CMSG_SPACE(sizeof(int)), 0);
    expect_str("stream: the rest", describe(&got), "3 bytes \"345\", 0 fds, controllen 0");

    /* A plain read takes the bytes and drops the fds. */
    send_fds(sv[0], "r", &w[1], 1);
    close(w[1]);
    char c;
    expect_long("read() of bytes with fds", read(sv[1], &c, 1), 1);
    expect_str("the dropped end's pipe writers", writers_of(r[1]), "none");
    close(w[0]);
    close(w[2]);
    for (int i = 0; i < 3; i++)
        close(r[i]);
    close(sv[0]);
    close(sv[1]);
}

static void records(void)
{
    int sv[2];
    must(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    int fd = 0;
    send_fds(sv[0], "record", &fd, 1);
    struct received got = recv_fds(sv[1], 3, CMSG_SPACE(sizeof(int)), MSG_PEEK);
    expect_str("seqpacket: peek", describe(&got), "3 bytes \"rec\", 1 fds, MSG_TRUNC controllen 24");
    close_received(&got);
    got = recv_fds(sv[1], 3, CMSG_SPACE(sizeof(int)), 0);
    expect_str("seqpacket: truncated read", describe(&got), "3 bytes \"rec\", 1 fds, MSG_TRUNC controllen 24");
    close_received(&got);
    close(sv[0]);
    close(sv[1]);

    must(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
    int two[2] = { 0, 1 };
    send_fds(sv[0], "", two, 2);
    got = recv_fds(sv[1], 8, CMSG_SPACE(2 * sizeof(int)), 0);
    expect_str("dgram: empty datagram with 2 fds", describe(&got), "0 bytes \"\", 2 fds, controllen 24");
    struct stat a, b;
    fstat(got.fds[0], &a);
    fstat(0, &b);
    expect_yes("the first names stdin's file", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    close_received(&got);
    close(sv[0]);
    close(sv[1]);
}

static void send_errors(void)
{
    int sv[2];
    must(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
    int bad = 99;
    expect_call("SCM_RIGHTS with a closed descriptor", send_fds(sv[0], "x", &bad, 1), "EBADF");
    int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = 0;
    expect_call("254 descriptors", send_fds(sv[0], "x", many, 254), "EINVAL");
    expect_call("253 descriptors", send_fds(sv[0], "x", many, 253), "ok");
    struct received got = recv_fds(sv[1], 1, CMSG_SPACE(253 * sizeof(int)), 0);
    expect_str("receive them", describe(&got), "1 bytes \"x\", 253 fds, controllen 1032");
    close_received(&got);
    expect_call("no descriptors in SCM_RIGHTS", send_fds(sv[0], "x", NULL, 0), "ok");
    got = recv_fds(sv[1], 1, CMSG_SPACE(sizeof(int)), 0);
    expect_str("receive that", describe(&got), "1 bytes \"x\", 0 fds, controllen 0");

    union {
        char buf[CMSG_SPACE(sizeof(int)) * 2];
        struct cmsghdr align;
    } control;
    struct iovec v = { "x", 1 };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control.buf;
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = sizeof(struct cmsghdr) - 1;
    expect_call("cmsg_len shorter than a header", sendmsg(sv[0], &m, 0), "EINVAL");
    c->cmsg_len = CMSG_SPACE(sizeof(int)) + 8;
    expect_call("cmsg_len past the buffer", sendmsg(sv[0], &m, 0), "EINVAL");
    c->cmsg_len = CMSG_LEN(sizeof(int));
    c->cmsg_type = 99;
    *(int*)CMSG_DATA(c) = 0;
    expect_call("an unknown SOL_SOCKET type", sendmsg(sv[0], &m, 0), "EINVAL");
    c->cmsg_level = 12345;
    expect_call("another level: skipped", sendmsg(sv[0], &m, 0), "ok");
    got = recv_fds(sv[1], 1, CMSG_SPACE(sizeof(int)), 0);
    expect_str("receive that", describe(&got), "1 bytes \"x\", 0 fds, controllen 0");
    m.msg_controllen = sizeof(struct cmsghdr) - 1;
    expect_call("a control buffer shorter than a header: ignored", sendmsg(sv[0], &m, 0), "ok");
    close(sv[0]);
    close(sv[1]);
}

int main(int argc, char** argv)
{
    pt_start("fdpass_rules", argc, argv);
    control_room();
    cloexec();
    stream_boundaries();
    records();
    send_errors();
    return pt_finish();
}
