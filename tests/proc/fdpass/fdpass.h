/* fdpass.h: sending and receiving descriptors (SCM_RIGHTS) for the fdpass
 * tests. */
#ifndef FDPASS_H
#define FDPASS_H
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

/* sendmsg of `data` with the descriptors fds[0..n) in one SCM_RIGHTS. */
static long send_fds(int sock, const char* data, const int* fds, int n)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * 256)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec v = { (void*)data, strlen(data) };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    if (n >= 0) {
        m.msg_control = control.buf;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        struct cmsghdr* c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    }
    return syscall(SYS_sendmsg, sock, &m, 0); /* musl's sendmsg copies at most 1 KiB of control */
}

/* What one recvmsg brought. */
struct received {
    long result;
    int err;
    char data[64];
    int fds[256];
    int nfds;
    int flags;
    size_t controllen;
};

/* recvmsg of up to `n` bytes with `room` bytes of control buffer. */
static struct received recv_fds(int sock, size_t n, size_t room, int flags)
{
    struct received r;
    memset(&r, 0, sizeof r);
    union {
        char buf[CMSG_SPACE(sizeof(int) * 256)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec v = { r.data, n < sizeof r.data - 1 ? n : sizeof r.data - 1 };
    struct msghdr m = { 0 };
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = room ? control.buf : NULL;
    m.msg_controllen = room;
    r.result = recvmsg(sock, &m, flags);
    r.err = errno;
    r.flags = m.msg_flags;
    r.controllen = m.msg_controllen;
    if (r.result < 0)
        return r;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(r.fds + r.nfds, CMSG_DATA(c), sizeof(int) * k);
        r.nfds += k;
    }
    return r;
}

/* "N bytes "DATA", K fds, flags F, controllen C" */
static const char* describe(const struct received* r)
{
    static char buf[256];
    if (r->result < 0) {
        snprintf(buf, sizeof buf, "%s", err_name(r->err));
        return buf;
    }
    snprintf(buf, sizeof buf, "%ld bytes \"%.*s\", %d fds,%s%s%s controllen %zu", r->result, (int)r->result, r->data,
             r->nfds, (r->flags & MSG_CTRUNC) ? " MSG_CTRUNC" : "", (r->flags & MSG_TRUNC) ? " MSG_TRUNC" : "",
             (r->flags & MSG_CMSG_CLOEXEC) ? " MSG_CMSG_CLOEXEC" : "", r->controllen);
    return buf;
}

#endif
