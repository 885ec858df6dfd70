// AF_UNIX sockets: socketpair, stream/datagram/seqpacket, path and abstract
// names, the ends of connections, readiness, errors.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(unix, stream_pair_exchange_and_end)
{
    auto [a, b] = s.socketpair(AF_UNIX, SOCK_STREAM);
    s.write(a, "hello ");
    s.write(a, "world");
    s.fionread(b);
    s.recv(b, 3, MSG_PEEK);
    s.read(b, 100);                 // both writes in one read: a stream
    s.write(b, "back");
    s.read(a, 100);
    s.getsockname(a);
    s.getpeername(a);
    s.peercred(a);
    s.getsockopt_int(a, SOL_SOCKET, SO_TYPE);
    s.getsockopt_int(a, SOL_SOCKET, SO_DOMAIN);
    s.getsockopt_int(a, SOL_SOCKET, SO_PROTOCOL);
    s.getsockopt_int(a, SOL_SOCKET, SO_ACCEPTCONN);
    s.shutdown(a, SHUT_WR);
    s.poll({ { b, POLLIN | POLLOUT | POLLRDHUP } }, 0);
    s.read(b, 10);                  // EOF after shutdown
    s.send(a, "x", MSG_NOSIGNAL);   // EPIPE
    s.write(b, "still");            // the other direction works
    s.read(a, 10);
    s.write(a, "unread");
    s.close(b);
    s.poll({ { a, POLLIN | POLLOUT | POLLRDHUP } }, 0);
    s.read(a, 10);                  // EOF
    s.send(a, "x", MSG_NOSIGNAL);   // EPIPE
    s.send(a, "", MSG_NOSIGNAL);    // EPIPE even for nothing
    s.getpeername(a);
}

SCENARIO(unix, unread_data_at_close_is_a_reset)
{
    auto [a, b] = s.socketpair(AF_UNIX, SOCK_STREAM);
    s.write(a, "never read");
    s.close(b);
    s.read(a, 10);                  // ECONNRESET once
    s.read(a, 10);                  // then EOF
    s.getsockopt_int(a, SOL_SOCKET, SO_ERROR);
}

SCENARIO(unix, stream_server_by_path)
{
    int l = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(l, "srv.sock");
    s.stat("srv.sock");
    s.getsockname(l);
    s.listen(l, 4);
    s.getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN);
    s.poll({ { l, POLLIN | POLLOUT } }, 0);
    int c = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.connect_unix(c, "srv.sock");
    s.poll({ { l, POLLIN | POLLOUT } }, 0);
    s.write(c, "before accept");
    int a = int(s.accept4(l, SOCK_CLOEXEC));
    s.fcntl(a, F_GETFD);
    s.read(a, 100);
    s.getsockname(a);
    s.getpeername(a);
    s.getsockname(c);
    s.getpeername(c);
    s.peercred(a);
    s.peercred(c);
    s.connect_unix(c, "srv.sock");  // EISCONN
    s.write(a, "reply");
    s.read(c, 100);
    int c2 = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(c2, "client.sock");
    s.connect_unix(c2, "./srv.sock");
    int a2 = int(s.accept4(l, 0));
    s.getpeername(a2);
    s.close(l);
    s.connect_unix(int(s.socket(AF_UNIX, SOCK_STREAM)), "srv.sock"); // ECONNREFUSED: nobody listens
    s.write(c, "after the listener");
    s.read(a, 100);                 // accepted connections live on
    s.unlink("srv.sock");
}

SCENARIO(unix, connect_errors)
{
    s.put("plain", "not a socket");
    int c = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.connect_unix(c, "missing.sock");          // ENOENT
    s.connect_unix(c, "plain");                 // ECONNREFUSED
    s.mkdir("dir");
    s.connect_unix(c, "dir");                   // ECONNREFUSED
    int d = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.bind_unix(d, "dgram.sock");
    s.connect_unix(c, "dgram.sock");            // EPROTOTYPE
    int l = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(l, "bound.sock");
    s.connect_unix(c, "bound.sock");            // ECONNREFUSED: bound, not listening
    s.listen(l, 1);
    s.connect_unix(l, "bound.sock");            // EINVAL: a listening socket
    int again = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(again, "bound.sock");           // EADDRINUSE
    s.bind_unix(l, "other.sock");               // EINVAL: bound already
    s.bind_unix(again, "missing/dir.sock");     // ENOENT
    s.bind_unix(again, "plain");                // EADDRINUSE
}

SCENARIO(unix, calls_in_the_wrong_state)
{
    int c = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.poll({ { c, POLLIN | POLLOUT } }, 0);     // POLLOUT|POLLHUP: not connected
    s.listen(c, 1);                             // EINVAL: not bound
    s.accept4(c, 0);                            // EINVAL
    s.read(c, 1);                               // EINVAL
    s.send(c, "x", MSG_NOSIGNAL);               // ENOTCONN
    s.getpeername(c);                           // ENOTCONN
    s.getsockname(c);                           // unnamed
    s.shutdown(c, SHUT_RDWR);
    s.shutdown(c, 7);                           // EINVAL
    s.fionread(c);
    int d = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.listen(d, 1);                             // EOPNOTSUPP
    s.accept4(d, 0);                            // EOPNOTSUPP
    s.send(d, "x", 0);                          // ENOTCONN
    s.setsockopt_int(d, IPPROTO_TCP, 1, 1);        // EOPNOTSUPP: no TCP level
    s.getsockopt_int(d, SOL_SOCKET, 999);       // ENOPROTOOPT
    s.socket(AF_UNIX, 7);                       // ESOCKTNOSUPPORT
    s.socket(AF_UNIX, SOCK_STREAM, 2);          // EPROTONOSUPPORT
    s.socket(AF_UNIX, SOCK_RAW);                // a datagram socket
    s.socketpair(AF_INET, SOCK_STREAM);         // EOPNOTSUPP
    s.socketpair(AF_UNIX, SOCK_STREAM, 6);      // EPROTONOSUPPORT
    s.socketpair(AF_UNIX, SOCK_STREAM | 0x100); // EINVAL
}

SCENARIO(unix, nonblocking_and_backlog)
{
    int l = int(s.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK));
    s.bind_unix(l, "nb.sock");
    s.listen(l, 0);
    s.accept4(l, 0);                            // EAGAIN
    int c1 = int(s.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK));
    int c2 = int(s.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK));
    s.connect_unix(c1, "nb.sock");              // fits the backlog of 0 (+1)
    s.connect_unix(c2, "nb.sock");              // EAGAIN: full
    int a = int(s.accept4(l, SOCK_NONBLOCK));
    s.connect_unix(c2, "nb.sock");              // room again
    s.read(a, 10);                              // EAGAIN
    s.recv(a, 10, MSG_DONTWAIT);                // EAGAIN
    auto [x, y] = s.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK);
    s.fcntl(x, F_GETFL);
    s.read(y, 1);                               // EAGAIN
}

SCENARIO(unix, datagrams_by_name)
{
    int r = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.bind_unix(r, "recv.sock");
    int named = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.bind_unix(named, "send.sock");
    int anon = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.sendto_unix(named, "one", "recv.sock");
    s.sendto_unix(anon, "two", "recv.sock");
    s.sendto_unix(named, "", "recv.sock");      // an empty datagram
    s.fionread(r);                              // the next datagram's size
    s.recvfrom(r, 100, 0);                      // from send.sock
    s.recvfrom(r, 100, 0);                      // from an unnamed socket: length 0
    s.recvfrom(r, 100, 0);
    s.sendto_unix(anon, "truncated datagram", "recv.sock");
    s.recvmsg(r, 9, 0);                         // MSG_TRUNC in msg_flags
    s.sendto_unix(anon, "full length", "recv.sock");
    s.recv(r, 4, MSG_TRUNC);                    // the real length
    s.connect_unix(anon, "recv.sock");
    s.getpeername(anon);
    s.send(anon, "connected", 0);
    s.recvfrom(r, 100, MSG_DONTWAIT);
    s.recvfrom(r, 100, MSG_DONTWAIT);           // EAGAIN
    s.connect_unix(r, "send.sock");             // r now takes only from send.sock
    s.sendto_unix(anon, "refused", "recv.sock"); // EPERM
    s.sendto_unix(named, "allowed", "recv.sock");
    s.recvfrom(r, 100, 0);
    s.sendto_unix(anon, "x", "missing.sock");   // ENOENT
    s.sendto_unix(anon, std::string(300000, 'x'), "send.sock"); // EMSGSIZE
    int st = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(st, "stream.sock");
    s.sendto_unix(anon, "x", "stream.sock");    // EPROTOTYPE
    s.close(named);
    s.sendto_unix(anon, "x", "send.sock");      // ECONNREFUSED: the name stays, the socket went
}

SCENARIO(unix, datagram_pair_and_dead_peer)
{
    auto [a, b] = s.socketpair(AF_UNIX, SOCK_DGRAM);
    s.write(a, "first");
    s.write(a, "second");
    s.fionread(b);
    s.read(b, 100);                             // one datagram per read
    s.read(b, 3);                               // the rest of "second" is dropped
    s.write(b, "");
    s.read(a, 100);                             // the empty datagram
    s.poll({ { a, POLLIN | POLLOUT } }, 0);
    s.close(b);
    s.poll({ { a, POLLIN | POLLOUT } }, 0);
    s.send(a, "x", 0);                          // ECONNREFUSED
    s.send(a, "x", 0);                          // ENOTCONN: disconnected
    s.shutdown(a, SHUT_WR);
    s.send(a, "x", MSG_NOSIGNAL);               // EPIPE
    int r = int(s.socket(AF_UNIX, SOCK_DGRAM));
    s.bind_unix(r, "r.sock");
    s.sendto_unix(a, "x", "r.sock");            // EPIPE
    s.sendto_unix(a, "x", "missing.sock");      // EPIPE before the name
}

SCENARIO(unix, seqpacket_keeps_records)
{
    int l = int(s.socket(AF_UNIX, SOCK_SEQPACKET));
    s.bind_unix(l, "seq.sock");
    s.listen(l, 2);
    int c = int(s.socket(AF_UNIX, SOCK_SEQPACKET));
    s.connect_unix(c, "seq.sock");
    int a = int(s.accept4(l, 0));
    s.write(c, "alpha");
    s.write(c, "beta");
    s.fionread(a);                              // every unread byte
    s.read(a, 100);
    s.recvmsg(a, 2, 0);                         // MSG_TRUNC
    s.sendto_unix(c, "address ignored", "elsewhere");
    s.read(a, 100);
    s.getsockopt_int(a, SOL_SOCKET, SO_TYPE);
    auto [x, y] = s.socketpair(AF_UNIX, SOCK_SEQPACKET);
    s.write(x, "pair");
    s.read(y, 100);
    s.close(x);
    s.poll({ { y, POLLIN | POLLOUT } }, 0);
    s.read(y, 100);                             // EOF
    s.send(y, "x", MSG_NOSIGNAL);               // EPIPE
    int fresh = int(s.socket(AF_UNIX, SOCK_SEQPACKET));
    s.read(fresh, 1);                           // ENOTCONN
    s.poll({ { fresh, POLLIN | POLLOUT } }, 0);
}

SCENARIO(unix, abstract_names_and_autobind)
{
    int l = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(l, "@abstract");
    s.getsockname(l);
    s.listen(l, 1);
    int dup = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(dup, "@abstract");              // EADDRINUSE
    int c = int(s.socket(AF_UNIX, SOCK_STREAM));
    s.bind_unix(c, "");                         // autobind
    s.getsockname(c);
    s.connect_unix(c, "@abstract");
    int a = int(s.accept4(l, 0));
    s.getpeername(a);
    s.getsockname(a);
    s.connect_unix(int(s.socket(AF_UNIX, SOCK_STREAM)), "@nobody"); // ECONNREFUSED
    s.list(".");                                // abstract names make no files
}

SCENARIO(unix, readiness_with_epoll)
{
    auto [a, b] = s.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK);
    int ep = int(s.epoll_create1(0));
    s.epoll_ctl(ep, EPOLL_CTL_ADD, b, EPOLLIN | EPOLLET);
    s.epoll_wait(ep, 4, 0);
    s.write(a, "data");
    s.epoll_wait(ep, 4, 0);
    s.epoll_wait(ep, 4, 0);                     // edge-triggered: once
    s.write(a, "more");
    s.epoll_wait(ep, 4, 0);
    s.read(b, 100);
    s.close(a);
    s.epoll_wait(ep, 4, 0);                     // the end is an edge too
}

// Descriptor passing (SCM_RIGHTS) within one process: the received
// descriptor is the lowest free one and names the same open file (its
// offset), in-flight files stay open, MSG_CTRUNC closes what does not fit,
// MSG_CMSG_CLOEXEC, a stream read stops after the bytes that carried
// descriptors, records keep theirs when truncated, EBADF and EINVAL.
SCENARIO(unix, pass_descriptors)
{
    auto [a, b] = s.socketpair(AF_UNIX, SOCK_STREAM);
    auto [r, w] = s.pipe2(0);
    s.put("f", "0123456789");
    int f = int(s.open("f", O_RDONLY));
    s.lseek(f, 3, SEEK_SET);
    s.sendmsg_fds(a, "F", { f });
    s.close(f); // in flight: still open
    s.unlink("f");
    std::vector<int> got;
    s.recvmsg_fds(b, 10, CMSG_SPACE(sizeof(int)), 0, &got);
    if (!got.empty()) {
        s.read(got[0], 3);
        s.lseek(got[0], 0, SEEK_CUR);
        s.fcntl(got[0], F_GETFD);
        s.close(got[0]);
    }

    got.clear();
    s.sendmsg_fds(a, "ab", { a, b, a });
    s.recvmsg_fds(b, 10, CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, &got); // two fit
    if (!got.empty())
        s.fcntl(got[0], F_GETFD);
    for (int fd : got)
        s.close(fd);

    s.sendmsg_fds(a, "cd", { r });
    s.write(a, "ef");
    got.clear();
    s.recvmsg_fds(b, 10, 64, 0, &got); // "cd" alone
    s.recvmsg_fds(b, 10, 64, 0);       // then "ef"
    for (int fd : got)
        s.close(fd);
    s.sendmsg_fds(a, "gh", { r });
    s.read(b, 10);                     // a plain read drops them
    s.sendmsg_fds(a, "x", { 9999 });   // EBADF
    s.sendmsg_fds(a, "x", std::vector<int>(254, r)); // EINVAL
    s.sendmsg_fds(a, "x", {});         // no descriptors: fine
    s.recvmsg_fds(b, 10, 64, 0);
    s.close(a);
    s.close(b);

    // (Few descriptors at a time: the host process may hold the next ones.)
    auto [c, d] = s.socketpair(AF_UNIX, SOCK_DGRAM);
    s.sendmsg_fds(c, "dgram", { r, w });
    got.clear();
    s.recvmsg_fds(d, 2, 64, MSG_PEEK, &got); // copies
    for (int fd : got)
        s.close(fd);
    got.clear();
    s.recvmsg_fds(d, 2, 64, 0, &got); // MSG_TRUNC, with the descriptors
    for (int fd : got)
        s.close(fd);
    s.sendmsg_fds(c, "y", { r });
    s.recvmsg_fds(d, 1, 0, 0);          // no control buffer: MSG_CTRUNC
    s.close(c);
    s.close(d);
    auto [e, g] = s.socketpair(AF_UNIX, SOCK_SEQPACKET);
    s.sendmsg_fds(e, "record", { w });
    s.recvmsg_fds(g, 10, 8, 0);         // shorter than a header: MSG_CTRUNC
    s.sendmsg_fds(e, "record", { w });
    s.recvmsg_fds(g, 10, 64, 0);
}
