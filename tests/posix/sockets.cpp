// TCP sockets over loopback: the same calls against Linux's loopback and
// Husk's (lwIP inside the kernel). Ports are the kernels' choice; traces
// name them only as "port>0".
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "Scenario.h"

namespace {
// A listening socket on loopback and a client connected to it, accepted:
// {listener, client, server side}.
struct Connection {
    int listener, client, server;
};
Connection connect_pair(posix::Sys& s, int domain)
{
    const char* loopback = domain == AF_INET6 ? "::1" : "127.0.0.1";
    int l = int(s.socket(domain, SOCK_STREAM));
    s.bind_inet(l, domain, loopback, 0);
    s.listen(l, 4);
    int c = int(s.socket(domain, SOCK_STREAM));
    s.connect_inet(c, domain, loopback, s.port_of(l));
    int a = int(s.accept4(l, 0));
    return { l, c, a };
}
} // namespace

SCENARIO(sockets, tcp_loopback_exchange)
{
    auto [l, c, a] = connect_pair(s, AF_INET);
    s.getsockname(l);
    s.getsockname(c);
    s.getpeername(c);
    s.getpeername(a);
    s.write(c, "ping");
    s.read(a, 16);
    s.send(a, "pong", MSG_NOSIGNAL);
    s.recv(c, 16, 0);
    s.write(c, "peek me");
    s.recv(a, 4, MSG_PEEK);
    s.recv(a, 16, 0);
    s.shutdown(c, SHUT_WR);
    s.read(a, 16); // end of stream
    s.send(a, "after", MSG_NOSIGNAL); // the other direction still works
    s.read(c, 16);
    s.close(a);
    s.read(c, 16);
}

SCENARIO(sockets, tcp_ipv6_loopback)
{
    auto [l, c, a] = connect_pair(s, AF_INET6);
    s.getsockname(l);
    s.getpeername(a);
    s.write(a, "over ::1");
    s.read(c, 32);
}

SCENARIO(sockets, large_transfer_arrives_whole)
{
    auto [l, c, a] = connect_pair(s, AF_INET);
    std::string data;
    for (int i = 0; i < 60000; ++i)
        data += char('a' + i % 23);
    // 60 000 bytes fit the buffers of both kernels: written at once.
    s.write(c, data);
    s.shutdown(c, SHUT_WR);
    std::string got;
    for (int i = 0; i < 200; ++i) {
        std::string part(65536, '\0');
        long n = s.backend().syscall(SYS_read, a, long(part.data()), long(part.size()));
        if (n <= 0)
            break;
        got.append(part.data(), size_t(n));
    }
    s.note(got == data ? "received all 60000 bytes in order" : "received " + std::to_string(got.size()) + " bytes, different");
}

SCENARIO(sockets, sendfile_to_a_stream)
{
    // A file of 150 000 bytes sent from offset 1 000 with a count beyond its
    // end: several chunks, the last shorter than asked. Every byte must
    // arrive without the sender closing or shutting down (nothing held
    // back), and the offset moves past what was sent.
    std::string data;
    for (int i = 0; i < 150000; ++i)
        data += char('A' + (i * 7 + i / 300) % 26);
    int f = int(s.open("sent", O_CREAT | O_RDWR, 0644));
    s.write(f, data);
    auto [l, c, a] = connect_pair(s, AF_INET);
    long offset = 1000;
    long sent = s.backend().syscall(SYS_sendfile, a, f, long(&offset), 400000);
    s.note("sendfile returned " + std::to_string(sent) + ", offset now " + std::to_string(offset));
    std::string got;
    while (got.size() < data.size() - 1000) {
        struct pollfd p = { c, POLLIN, 0 };
        if (s.backend().syscall(SYS_poll, long(&p), 1, 5000) != 1)
            break;
        std::string part(65536, '\0');
        long n = s.backend().syscall(SYS_read, c, long(part.data()), long(part.size()));
        if (n <= 0)
            break;
        got.append(part.data(), size_t(n));
    }
    s.note(got == data.substr(1000) ? "received the 149000 bytes after the offset, in order"
                                    : "received " + std::to_string(got.size()) + " bytes, different");
    // Without an offset the file position moves: it is at the end now.
    s.lseek(f, 140000, SEEK_SET);
    s.note("from the position: " + std::to_string(s.backend().syscall(SYS_sendfile, a, f, 0, 65536)));
    s.lseek(f, 0, SEEK_CUR);
    s.read(c, 16);
}

namespace {
// A file of `size` bytes of a pattern, open for reading and writing.
int pattern_file(posix::Sys& s, const char* name, size_t size, std::string& data)
{
    data.clear();
    for (size_t i = 0; i < size; ++i)
        data += char('a' + (i * 13 + i / 4096) % 26);
    int f = int(s.open(name, O_CREAT | O_RDWR, 0644));
    for (size_t at = 0; at < size; at += 65536)
        s.backend().syscall(SYS_write, f, long(data.data() + at), long(std::min<size_t>(65536, size - at)));
    return f;
}

// Reads from c until `want` bytes came or nothing more comes (2 s).
std::string drain(posix::Sys& s, int c, size_t want)
{
    std::string got;
    while (got.size() < want) {
        struct pollfd p = { c, POLLIN, 0 };
        if (s.backend().syscall(SYS_poll, long(&p), 1, 2000) != 1)
            break;
        std::string part(65536, '\0');
        long n = s.backend().syscall(SYS_read, c, long(part.data()), long(part.size()));
        if (n <= 0)
            break;
        got.append(part.data(), size_t(n));
    }
    return got;
}


// Nobody reads: a nonblocking sendfile of 4 MB into stream socket a sends
// what the connection holds, then says EAGAIN; the file offset moved by
// exactly what was sent, and those bytes arrive at c in order. (How much a
// connection holds differs between kernels; the trace does not say.)
void sendfile_until_full(posix::Sys& s, int a, int c)
{
    std::string data;
    int f = pattern_file(s, "big", 4 << 20, data);
    s.lseek(f, 0, SEEK_SET);
    s.fcntl(a, F_SETFL, O_NONBLOCK);
    long total = 0, r = 0;
    for (int calls = 0; calls < 10000 && total < long(data.size()); ++calls) {
        r = s.backend().syscall(SYS_sendfile, a, f, 0, long(data.size()) - total);
        if (r <= 0)
            break;
        total += r;
    }
    s.note(total > 0 && total < long(data.size()) ? "sent part of the file" : "sent " + std::to_string(total));
    s.note("then " + std::string(r == -EAGAIN ? "EAGAIN" : std::to_string(r)));
    long position = s.backend().syscall(SYS_lseek, f, 0, SEEK_CUR);
    s.note(position == total ? "the offset moved by what was sent" : "offset " + std::to_string(position) + " after " + std::to_string(total));
    std::string got = drain(s, c, size_t(total));
    s.note(got == data.substr(0, size_t(total)) ? "what was sent arrived, in order" : "received " + std::to_string(got.size()) + " bytes, different");
}
} // namespace

SCENARIO(sockets, sendfile_nonblocking_until_full)
{
    auto [l, c, a] = connect_pair(s, AF_INET);
    sendfile_until_full(s, a, c);
}

SCENARIO(sockets, sendfile_nonblocking_until_full_unix)
{
    int pair[2] = { -1, -1 };
    s.backend().syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, long(pair));
    sendfile_until_full(s, pair[0], pair[1]);
}

SCENARIO(sockets, sendfile_blocks_until_the_send_timeout)
{
    // Nobody reads: a blocking sendfile of 4 MB waits for room until
    // SO_SNDTIMEO (0.3 s) passes, then returns what it sent, which arrives.
    std::string data;
    int f = pattern_file(s, "big", 4 << 20, data);
    // Small buffers (set before connecting, as a receive buffer must be),
    // so that Linux's loopback holds less than the file too.
    int l = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(l, AF_INET, "127.0.0.1", 0);
    s.listen(l, 4);
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    int small = 65536;
    s.backend().syscall(SYS_setsockopt, c, SOL_SOCKET, SO_RCVBUF, long(&small), sizeof small);
    s.connect_inet(c, AF_INET, "127.0.0.1", s.port_of(l));
    int a = int(s.accept4(l, 0));
    s.backend().syscall(SYS_setsockopt, a, SOL_SOCKET, SO_SNDBUF, long(&small), sizeof small);
    struct timeval timeout = { 0, 300000 };
    s.backend().syscall(SYS_setsockopt, a, SOL_SOCKET, SO_SNDTIMEO, long(&timeout), sizeof timeout);
    long offset = 0;
    long sent = s.backend().syscall(SYS_sendfile, a, f, long(&offset), long(data.size()));
    s.note(sent > 0 && sent < long(data.size()) ? "a partial count" : "returned " + std::to_string(sent));
    s.note(offset == sent ? "the offset moved by it" : "offset " + std::to_string(offset) + " after " + std::to_string(sent));
    std::string got = drain(s, c, size_t(sent > 0 ? sent : 0));
    s.note(got == data.substr(0, size_t(sent > 0 ? sent : 0)) ? "it arrived, in order" : "received " + std::to_string(got.size()) + " bytes, different");
}

SCENARIO(sockets, nonblocking_calls_say_eagain)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
    s.bind_inet(l, AF_INET, "127.0.0.1");
    s.listen(l, 1);
    s.accept4(l, 0);
    s.fcntl(l, F_GETFL);
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c, AF_INET, "127.0.0.1", s.port_of(l));
    int a = int(s.accept4(l, SOCK_NONBLOCK));
    s.fcntl(a, F_GETFL);
    s.read(a, 8);
    s.recv(c, 8, MSG_DONTWAIT);
    s.write(c, "abc");
    s.poll({ { a, POLLIN } }, 1000);
    s.fionread(a);
    s.read(a, 8);
}

SCENARIO(sockets, poll_readiness)
{
    auto [l, c, a] = connect_pair(s, AF_INET);
    s.poll({ { l, POLLIN } }, 0);
    s.poll({ { c, POLLIN | POLLOUT } }, 0);
    int c2 = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c2, AF_INET, "127.0.0.1", s.port_of(l));
    s.poll({ { l, POLLIN } }, 1000);
    s.close(c);
    s.poll({ { a, POLLIN } }, 1000);
    s.read(a, 8);
}

SCENARIO(sockets, refused_and_misused)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(l, AF_INET, "127.0.0.1");
    int port = s.port_of(l);
    s.close(l); // nobody listens there now
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c, AF_INET, "127.0.0.1", port);
    int d = int(s.socket(AF_INET, SOCK_STREAM));
    s.recv(d, 8, 0);
    s.send(d, "x", MSG_NOSIGNAL);
    s.getpeername(d);
    s.getsockname(d);
    s.shutdown(d, SHUT_RDWR);
    s.accept4(d, 0);
    s.bind_inet(d, AF_INET, "127.0.0.1", 0, 8);
    s.bind_inet(d, AF_INET6, "::1");
    s.bind_inet(d, AF_INET, "127.0.0.1");
    s.bind_inet(d, AF_INET, "127.0.0.1");
    s.shutdown(d, 7);
}

SCENARIO(sockets, address_in_use)
{
    int a = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(a, AF_INET, "127.0.0.1");
    s.listen(a, 1);
    int b = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(b, AF_INET, "127.0.0.1", s.port_of(a));
}

SCENARIO(sockets, bad_socket_calls)
{
    s.socket(12345, SOCK_STREAM);
    s.socket(AF_INET, 77);
    s.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP);
    s.socket(AF_INET, SOCK_STREAM | 0x10000);
    s.put("file", "x");
    int f = int(s.open("file", O_RDONLY));
    s.listen(f, 1);
    s.getsockname(f);
    s.shutdown(f, SHUT_RD);
    s.listen(-1, 1);
}

SCENARIO(sockets, options)
{
    auto [l, c, a] = connect_pair(s, AF_INET);
    s.getsockopt_int(c, SOL_SOCKET, SO_TYPE);
    s.getsockopt_int(c, SOL_SOCKET, SO_ERROR);
    s.getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN);
    s.getsockopt_int(c, SOL_SOCKET, SO_ACCEPTCONN);
    s.setsockopt_int(c, SOL_SOCKET, SO_REUSEADDR, 1);
    s.getsockopt_int(c, SOL_SOCKET, SO_REUSEADDR);
    s.setsockopt_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
    s.getsockopt_int(c, IPPROTO_TCP, TCP_NODELAY);
    s.setsockopt_int(c, SOL_SOCKET, SO_KEEPALIVE, 1);
    s.getsockopt_int(c, SOL_SOCKET, SO_KEEPALIVE);
    s.setsockopt_int(c, SOL_SOCKET, SO_RCVBUF, 4096);
    s.getsockopt_int(c, SOL_SOCKET, SO_RCVBUF);
    s.getsockopt_int(c, SOL_SOCKET, SO_DOMAIN);
    s.getsockopt_int(c, SOL_SOCKET, SO_PROTOCOL);
    s.setsockopt_int(c, SOL_SOCKET, 9999, 1);
    s.getsockopt_int(c, 9999, 1);
    s.fstat(c);
}

SCENARIO(sockets, address_lengths)
{
    // A stream's receive names no sender: the length comes back 0.
    auto [l, c, a] = connect_pair(s, AF_INET);
    s.write(c, "data");
    s.recvfrom(a, 16, 0);
    // An address is copied in whole before the protocol reads it: longer
    // than sockaddr_storage is EINVAL, up to it is fine.
    int d = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(d, AF_INET, "127.0.0.1", 0, 129);
    s.bind_inet(d, AF_INET, "127.0.0.1", 0, 128);
    // sendmsg: a name of length 0 is no name (an unconnected datagram
    // socket then has no destination).
    int u = int(s.socket(AF_INET, SOCK_DGRAM));
    sockaddr_in to {};
    char byte = 'x';
    iovec v { &byte, 1 };
    msghdr m {};
    m.msg_name = &to;
    m.msg_namelen = 0;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    s.raw("sendmsg(udp, name of length 0)", SYS_sendmsg, u, long(&m), 0);
}
