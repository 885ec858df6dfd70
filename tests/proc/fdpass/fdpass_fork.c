/* Descriptor passing across fork (SCM_RIGHTS over socketpairs): the parent
 * passes a pipe's write end and an open file to its child; the child
 * reads the file where the parent left its offset (one open file
 * description) and writes to the pipe, whose reader sees EOF only when the
 * passed end is closed. A file passed and then closed (and unlinked) by
 * the sender stays readable while in flight. Datagram and seqpacket
 * socketpairs pass a pipe's read end. */
#include "proctest.h"
#include "errnames.h"
#include "fdpass.h"
#include <sys/un.h>

/* The child's side over stream socket `sock`. */
static int stream_child(int sock)
{
    struct received r = recv_fds(sock, 1, CMSG_SPACE(2 * sizeof(int)), 0);
    if (r.result != 1 || r.nfds != 2)
        return 10;
    int writer = r.fds[0], file = r.fds[1];
    char buf[8] = { 0 };
    if (read(file, buf, 3) != 3)
        return 11;
    if (!write_full(writer, "child read ", 11) || !write_full(writer, buf, 3) || !write_full(writer, "\n", 1))
        return 12;
    close(writer);
    close(file);
    /* The second message: a file its sender closed and unlinked. */
    r = recv_fds(sock, 1, CMSG_SPACE(sizeof(int)), 0);
    if (r.result != 1 || r.nfds != 1)
        return 13;
    memset(buf, 0, sizeof buf);
    if (pread(r.fds[0], buf, 5, 0) != 5 || strcmp(buf, "ghost") != 0)
        return 14;
    return 0;
}

static void over_stream(void)
{
    int sv[2], p[2];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    must(pipe(p) == 0, "pipe");
    const char* path = scratch_path("data");
    write_file(path, "0123456789", 0600);
    int file = open(path, O_RDONLY);
    must(file >= 0, "open");
    must(lseek(file, 3, SEEK_SET) == 3, "lseek");

    pid_t child = pt_fork();
    if (child == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        close(file);
        _exit(stream_child(sv[1]));
    }
    close(sv[1]);
    int pass[2] = { p[1], file };
    expect_long("stream: sendmsg with a pipe end and a file", send_fds(sv[0], "F", pass, 2), 1);
    close(p[1]); /* the only writer left is the one passed */

    const char* ghost = scratch_path("ghost");
    write_file(ghost, "ghost", 0600);
    int g = open(ghost, O_RDONLY);
    must(g >= 0, "open ghost");
    expect_long("stream: sendmsg with a file", send_fds(sv[0], "G", &g, 1), 1);
    close(g);
    unlink(ghost);

    char buf[64] = { 0 };
    size_t n = read_full(p[0], buf, sizeof buf - 1);
    expect_str("pipe, written by the child through the passed end", n ? buf : "(nothing)", "child read 345\n");
    expect_str("child", status_text(pt_wait(child)), "exited 0");
    expect_long("file offset after the child's read (shared)", lseek(file, 0, SEEK_CUR), 6);
    close(p[0]);
    close(file);
    close(sv[0]);
}

/* A datagram or seqpacket pair: the child gets a pipe's read end. */
static void over_records(int type, const char* name)
{
    char what[128];
    int sv[2], p[2];
    must(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair");
    must(pipe(p) == 0, "pipe");
    must(write_full(p[1], "through the pipe", 16), "write");
    close(p[1]);
    pid_t child = pt_fork();
    if (child == 0) {
        close(sv[0]);
        close(p[0]);
        struct received r = recv_fds(sv[1], 16, CMSG_SPACE(sizeof(int)), 0);
        if (r.result != 5 || r.nfds != 1 || strncmp(r.data, "pipe!", 5) != 0)
            _exit(10);
        char buf[32] = { 0 };
        if (read_full(r.fds[0], buf, sizeof buf) != 16 || strcmp(buf, "through the pipe") != 0)
            _exit(11);
        _exit(0);
    }
    close(sv[1]);
    snprintf(what, sizeof what, "%s: sendmsg with a pipe's read end", name);
    expect_long(what, send_fds(sv[0], "pipe!", &p[0], 1), 5);
    close(p[0]);
    snprintf(what, sizeof what, "%s: child", name);
    expect_str(what, status_text(pt_wait(child)), "exited 0");
    close(sv[0]);
}

/* The child sends the parent its pipe's read end: over a connection to a
 * path-named listener (stream, seqpacket), or as a datagram sent to a
 * path name. */
static void child_sends_pipe(int sock, const struct sockaddr_un* to)
{
    int p[2];
    if (pipe(p) != 0 || !write_full(p[1], "from the child's pipe", 21))
        _exit(10);
    close(p[1]);
    struct iovec v = { "c", 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr m = { 0 };
    m.msg_name = (void*)to;
    m.msg_namelen = to ? sizeof *to : 0;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control.buf;
    m.msg_controllen = sizeof control.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    _exit(sendmsg(sock, &m, 0) == 1 ? 0 : 11);
}

static void over_named(int type, const char* name)
{
    char what[128];
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", scratch_path("named.sock"));
    int server = socket(AF_UNIX, type, 0);
    must(server >= 0, "socket");
    must(bind(server, (struct sockaddr*)&a, sizeof a) == 0, "bind");
    if (type != SOCK_DGRAM)
        must(listen(server, 1) == 0, "listen");
    pid_t child = pt_fork();
    if (child == 0) {
        int s = socket(AF_UNIX, type, 0);
        if (s < 0)
            _exit(12);
        if (type == SOCK_DGRAM)
            child_sends_pipe(s, &a);
        if (connect(s, (struct sockaddr*)&a, sizeof a) != 0)
            _exit(13);
        child_sends_pipe(s, NULL);
    }
    int conn = type == SOCK_DGRAM ? server : accept(server, NULL, NULL);
    must(conn >= 0, "accept");
    snprintf(what, sizeof what, "%s by name: child", name);
    expect_str(what, status_text(pt_wait(child)), "exited 0");
    struct received r = recv_fds(conn, 8, CMSG_SPACE(sizeof(int)), 0);
    snprintf(what, sizeof what, "%s by name: recvmsg", name);
    expect_str(what, describe(&r), "1 bytes \"c\", 1 fds, controllen 24");
    if (r.nfds == 1) {
        char buf[32] = { 0 };
        size_t n = read_full(r.fds[0], buf, sizeof buf - 1);
        snprintf(what, sizeof what, "%s by name: the child's pipe, its writer gone", name);
        expect_str(what, n ? buf : "(nothing)", "from the child's pipe");
        close(r.fds[0]);
    }
    if (conn != server)
        close(conn);
    close(server);
    unlink(a.sun_path);
}

int main(int argc, char** argv)
{
    pt_start("fdpass_fork", argc, argv);
    over_stream();
    over_records(SOCK_DGRAM, "dgram");
    over_records(SOCK_SEQPACKET, "seqpacket");
    over_named(SOCK_STREAM, "stream");
    over_named(SOCK_SEQPACKET, "seqpacket");
    over_named(SOCK_DGRAM, "dgram");
    static const char* const names[] = { "data", "ghost", "named.sock", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
