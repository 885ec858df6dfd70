// epoll and eventfd: level- and edge-triggered readiness, one-shot
// entries, entries that go with their description, nesting, and the
// errors of epoll_ctl — the same calls against Linux and Husk.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(epoll, pipe_level_triggered)
{
    auto [r, w] = s.pipe2(0);
    int ep = int(s.epoll_create1(EPOLL_CLOEXEC));
    s.fcntl(ep, F_GETFD);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN);
    s.epoll_wait(ep, 8, 0);
    s.write(w, "data");
    s.epoll_wait(ep, 8, 0);
    s.epoll_wait(ep, 8, 0); // still readable: reported again
    s.read(r, 2);
    s.epoll_wait(ep, 8, 0);
    s.read(r, 16);
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, w, EPOLLOUT);
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_DEL, w, 0);
    s.close(w);
    s.epoll_wait(ep, 8, 0); // the read end hangs up
}

SCENARIO(epoll, pipe_edge_triggered)
{
    auto [r, w] = s.pipe2(O_NONBLOCK);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN | EPOLLET);
    s.epoll_wait(ep, 8, 0);
    s.write(w, "a");
    s.epoll_wait(ep, 8, 0);
    s.epoll_wait(ep, 8, 0); // nothing new
    s.write(w, "b");
    s.epoll_wait(ep, 8, 0); // new data: an edge
    s.read(r, 1);
    s.epoll_wait(ep, 8, 0); // still data, but no new edge
    s.read(r, 8);
    s.read(r, 8);
    s.epoll_ctl(ep, EPOLL_CTL_MOD, r, EPOLLIN | EPOLLET);
    s.epoll_wait(ep, 8, 0);
    s.write(w, "c");
    s.epoll_ctl(ep, EPOLL_CTL_MOD, r, EPOLLIN | EPOLLET); // a modification re-checks
    s.epoll_wait(ep, 8, 0);
}

SCENARIO(epoll, oneshot_disarms_until_modified)
{
    auto [r, w] = s.pipe2(0);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN | EPOLLONESHOT);
    s.write(w, "x");
    s.epoll_wait(ep, 8, 0);
    s.epoll_wait(ep, 8, 0);
    s.close(w); // not even a hang-up is reported
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_MOD, r, EPOLLIN | EPOLLONESHOT);
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN); // still registered
}

SCENARIO(epoll, maxevents_limits_one_call)
{
    auto [r1, w1] = s.pipe2(0);
    auto [r2, w2] = s.pipe2(0);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, w1, EPOLLOUT);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, w2, EPOLLOUT);
    s.epoll_wait(ep, 1, 0);
    s.epoll_wait(ep, 2, 0);
    s.epoll_wait(ep, 8, 0);
    (void)r1;
    (void)r2;
}

SCENARIO(epoll, ctl_errors)
{
    s.put("file", "x");
    int f = int(s.open("file", O_RDONLY));
    int d = int(s.open(".", O_RDONLY | O_DIRECTORY));
    auto [r, w] = s.pipe2(0);
    int ep = int(s.epoll_create1(0));
    s.epoll_create1(1);
    s.raw("epoll_create(0)", SYS_epoll_create, 0);
    s.raw("epoll_create(-1)", SYS_epoll_create, -1);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, f, EPOLLIN); // regular files: EPERM
    s.epoll_ctl(ep, EPOLL_CTL_ADD, d, EPOLLIN);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN); // EEXIST
    s.epoll_ctl(ep, EPOLL_CTL_MOD, w, EPOLLOUT); // ENOENT
    s.epoll_ctl(ep, EPOLL_CTL_DEL, w, 0);
    s.epoll_ctl(ep, 7, r, EPOLLIN);             // EINVAL
    s.epoll_ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN); // itself: EINVAL
    s.epoll_ctl(r, EPOLL_CTL_ADD, w, EPOLLOUT);  // not an epoll: EINVAL
    int cr = f;
    s.close(cr);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, cr, EPOLLIN); // EBADF
    s.raw("epoll_ctl(ep, ADD, closed, NULL)", SYS_epoll_ctl, ep, EPOLL_CTL_ADD, cr, 0); // EFAULT first
    s.raw("epoll_ctl(ep, DEL, closed, NULL)", SYS_epoll_ctl, ep, EPOLL_CTL_DEL, cr, 0);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, w, EPOLLOUT | EPOLLEXCLUSIVE);
    s.epoll_ctl(ep, EPOLL_CTL_MOD, w, EPOLLOUT | EPOLLEXCLUSIVE); // EINVAL
    s.raw("epoll_ctl(ep, ADD, r2, NULL)", SYS_epoll_ctl, ep, EPOLL_CTL_ADD, w, 0);
    s.epoll_wait(ep, 0, 0);
    s.epoll_wait(ep, -1, 0);
    s.epoll_wait(r, 8, 0);
    s.raw("epoll_wait(ep, NULL, 8, 0)", SYS_epoll_wait, ep, 0, 8, 0);
    s.fstat(ep);
}

SCENARIO(epoll, entries_go_with_the_description)
{
    auto [r, w] = s.pipe2(0);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r, EPOLLIN);
    int copy = int(s.dup(r));
    s.close(r); // the description lives on (copy): the entry stays
    s.write(w, "x");
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_DEL, copy, 0); // registered under the old number
    s.epoll_ctl(ep, EPOLL_CTL_ADD, copy, EPOLLIN);
    s.close(copy); // last reference: the entry goes
    s.epoll_wait(ep, 8, 0);
    auto [r2, w2] = s.pipe2(0);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, r2, EPOLLIN); // the number may be reused
    s.close(ep);
    s.write(w2, "y");
    s.read(r2, 4);
}

SCENARIO(epoll, nested_instances)
{
    auto [r, w] = s.pipe2(0);
    int inner = int(s.epoll_create1(0));
    int outer = int(s.epoll_create1(0));
    s.epoll_ctl(inner, EPOLL_CTL_ADD, r, EPOLLIN);
    s.epoll_ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN);
    s.epoll_wait(outer, 8, 0);
    s.write(w, "x");
    s.epoll_wait(outer, 8, 0);
    s.poll({ { inner, POLLIN } }, 0);
    s.epoll_ctl(inner, EPOLL_CTL_ADD, outer, EPOLLIN); // a loop: ELOOP
}

SCENARIO(epoll, eventfd_counter)
{
    int e = int(s.eventfd(3, EFD_NONBLOCK));
    s.eventfd_read(e);
    s.eventfd_read(e); // EAGAIN
    s.eventfd_write(e, 5);
    s.eventfd_write(e, 7);
    s.eventfd_read(e);
    s.eventfd_write(e, ~0ul); // EINVAL
    s.eventfd_write(e, 0xfffffffffffffffeul);
    s.eventfd_write(e, 1); // would overflow: EAGAIN
    s.poll({ { e, short(POLLIN | POLLOUT) } }, 0);
    char small[8];
    s.raw("read(eventfd, 4 bytes)", SYS_read, e, long(small), 4);
    s.raw("write(eventfd, 4 bytes)", SYS_write, e, long("abcd"), 4);
    s.fstat(e);
    s.fcntl(e, F_GETFL);
    s.eventfd(0, 0100); // unknown flag
}

SCENARIO(epoll, eventfd_semaphore_and_epoll)
{
    int e = int(s.eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC));
    s.fcntl(e, F_GETFD);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, e, EPOLLIN | EPOLLOUT | EPOLLET);
    s.epoll_wait(ep, 8, 0);
    s.eventfd_read(e);
    s.epoll_wait(ep, 8, 0); // a read changes the count: an edge
    s.eventfd_read(e);
    s.eventfd_read(e);
    s.epoll_wait(ep, 8, 0);
}

SCENARIO(epoll, tcp_sockets)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
    s.bind_inet(l, AF_INET, "127.0.0.1", 0);
    s.listen(l, 4);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, l, EPOLLIN);
    s.epoll_wait(ep, 8, 0);
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c, AF_INET, "127.0.0.1", s.port_of(l));
    s.epoll_wait(ep, 8, 1000); // the listener is readable
    int a = int(s.accept4(l, SOCK_NONBLOCK));
    s.epoll_wait(ep, 8, 0);
    s.epoll_ctl(ep, EPOLL_CTL_DEL, l, 0);
    s.epoll_ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
    s.epoll_wait(ep, 8, 1000); // writable at once
    s.write(c, "request");
    s.epoll_wait(ep, 8, 1000); // data: an edge
    s.read(a, 64);
    s.read(a, 64); // EAGAIN
    s.shutdown(c, SHUT_WR);
    s.epoll_wait(ep, 8, 1000); // the peer's FIN: readable, RDHUP
    s.read(a, 64);
}
