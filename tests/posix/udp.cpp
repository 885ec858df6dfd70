// UDP sockets over loopback: datagram boundaries, senders' addresses,
// connected sockets, truncation, readiness and errors — against Linux's
// loopback and Husk's. Ports are traced only as "port>0".
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(udp, datagrams_keep_their_boundaries)
{
    int a = int(s.socket(AF_INET, SOCK_DGRAM));
    int b = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(a, AF_INET, "127.0.0.1", 0);
    s.getsockname(a);
    s.sendto_inet(b, "first", AF_INET, "127.0.0.1", s.port_of(a));
    s.sendto_inet(b, "second datagram", AF_INET, "127.0.0.1", s.port_of(a));
    s.sendto_inet(b, "", AF_INET, "127.0.0.1", s.port_of(a));
    s.getsockname(b); // sending bound it
    s.recvfrom(a, 64, 0);
    s.fionread(a); // the next datagram's size
    s.recvfrom(a, 6, 0); // truncated: the rest is lost
    s.recvfrom(a, 64, 0); // the empty datagram
    s.recvfrom(a, 64, MSG_DONTWAIT);
    s.getsockopt_int(a, SOL_SOCKET, SO_ERROR); // no pending error: 0
}

SCENARIO(udp, peek_and_trunc)
{
    int a = int(s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK));
    int b = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(a, AF_INET, "127.0.0.1", 0);
    s.poll({ { a, POLLIN | POLLOUT } }, 0);
    s.sendto_inet(b, "0123456789", AF_INET, "127.0.0.1", s.port_of(a));
    s.poll({ { a, POLLIN } }, 1000);
    s.recvfrom(a, 4, MSG_PEEK);
    s.recvfrom(a, 4, MSG_TRUNC); // the real length
    s.recvfrom(a, 4, 0);
}

SCENARIO(udp, connected_sockets)
{
    int a = int(s.socket(AF_INET, SOCK_DGRAM));
    int b = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(a, AF_INET, "127.0.0.1", 0);
    s.getpeername(b);
    s.send(b, "no address", 0); // EDESTADDRREQ
    s.connect_inet(b, AF_INET, "127.0.0.1", s.port_of(a));
    s.getpeername(b);
    s.write(b, "by write");
    s.send(b, "by send", 0);
    s.read(a, 64);
    s.recv(a, 64, 0);
    s.shutdown(b, SHUT_WR);
    s.send(b, "after shutdown", MSG_NOSIGNAL);
    s.raw("connect(b, AF_UNSPEC)", SYS_connect, b, long("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), 16);
    s.getpeername(b);
}

SCENARIO(udp, ipv6_and_errors)
{
    int a = int(s.socket(AF_INET6, SOCK_DGRAM));
    int b = int(s.socket(AF_INET6, SOCK_DGRAM));
    s.bind_inet(a, AF_INET6, "::1", 0);
    s.sendto_inet(b, "six", AF_INET6, "::1", s.port_of(a));
    s.recvfrom(a, 16, 0);
    int c = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(c, AF_INET, "127.0.0.1", s.port_of(c) + 0); // port 0 again: fine
    s.bind_inet(c, AF_INET, "127.0.0.1", 0); // already bound: EINVAL
    int d = int(s.socket(AF_INET, SOCK_DGRAM));
    s.bind_inet(d, AF_INET, "127.0.0.1", s.port_of(a) ? s.port_of(c) : 1); // in use
    s.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP); // EPROTONOSUPPORT
    s.shutdown(d, SHUT_RD); // not connected: ENOTCONN
    static char big[70000];
    s.raw("sendto 70000 bytes", SYS_sendto, d, long(big), 70000, 0, 0, 0);
    s.connect_inet(d, AF_INET, "127.0.0.1", s.port_of(a) ? s.port_of(c) : 1);
    s.raw("send 65508 bytes", SYS_sendto, d, long(big), 65508, 0, 0, 0); // too long for IPv4: EMSGSIZE
}
