// The socket options Debian's servers set (nginx, haproxy, unbound, redis,
// memcached, lighttpd, dnsmasq): set, read back, out-of-range values, the
// rounding Linux applies, inheritance by accepted connections, and what an
// unknown option or a foreign level answers — against Linux's loopback.
// Values that depend on the host's sysctls (buffer defaults, low-water
// caps) are left out.
#include <netinet/in.h>
#include <poll.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "Scenario.h"

namespace {
// Sets each value in turn and reads the option back after each.
void set_get(posix::Sys& s, int fd, int level, int name, std::initializer_list<int> values)
{
    s.getsockopt_int(fd, level, name); // the default
    for (int v : values) {
        s.setsockopt_int(fd, level, name, v);
        s.getsockopt_int(fd, level, name);
    }
}
} // namespace

SCENARIO(inet_options, tcp_level)
{
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    set_get(s, c, IPPROTO_TCP, TCP_NODELAY, { 1, 0, 7 });
    set_get(s, c, IPPROTO_TCP, TCP_MAXSEG, { 1000, 87, 40000, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_KEEPIDLE, { 60, 0, -1, 32767, 32768 });
    set_get(s, c, IPPROTO_TCP, TCP_KEEPINTVL, { 10, 0, 32768 });
    set_get(s, c, IPPROTO_TCP, TCP_KEEPCNT, { 3, 0, 127, 128 });
    set_get(s, c, IPPROTO_TCP, TCP_SYNCNT, { 3, 0, 128 });
    set_get(s, c, IPPROTO_TCP, TCP_LINGER2, { 10, -5, 500, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_DEFER_ACCEPT, { 1, 2, 5, 30, 1000, -1, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_QUICKACK, { 0, 1, 2 });
    set_get(s, c, IPPROTO_TCP, TCP_USER_TIMEOUT, { 5000, -1, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_NOTSENT_LOWAT, { 16384, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_FASTOPEN, { 5, -1, 100000 });
    set_get(s, c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, { 1, 2, 0 });
    set_get(s, c, IPPROTO_TCP, TCP_CORK, { 1, 0 });
    s.setsockopt_int(c, IPPROTO_TCP, 200, 1); // unknown: ENOPROTOOPT
    s.getsockopt_int(c, IPPROTO_TCP, 200);
    s.raw("setsockopt(TCP_KEEPIDLE, 2 bytes)", SYS_setsockopt, c, IPPROTO_TCP, TCP_KEEPIDLE, long("\x01\x00\x00\x00"), 2);
}

SCENARIO(inet_options, ip_level)
{
    for (int type : { SOCK_STREAM, SOCK_DGRAM }) {
        int c = int(s.socket(AF_INET, type));
        set_get(s, c, IPPROTO_IP, IP_TOS, { 0x10, 0x13, 0x1ff, 0 });
        set_get(s, c, IPPROTO_IP, IP_TTL, { 32, 0, 256, -1 });
        set_get(s, c, IPPROTO_IP, IP_PKTINFO, { 1, 0 });
        set_get(s, c, IPPROTO_IP, IP_RECVERR, { 1, 0 });
        set_get(s, c, IPPROTO_IP, IP_RECVTOS, { 1 });
        set_get(s, c, IPPROTO_IP, IP_RECVTTL, { 1 });
        set_get(s, c, IPPROTO_IP, IP_FREEBIND, { 5 });
        set_get(s, c, IPPROTO_IP, IP_MTU_DISCOVER, { 0, 2, 6 });
        set_get(s, c, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, { 1 });
        s.raw("setsockopt(IP_TOS, 1 byte)", SYS_setsockopt, c, IPPROTO_IP, IP_TOS, long("\x20"), 1);
        s.getsockopt_int(c, IPPROTO_IP, IP_TOS);
        // IPv6's options on an IPv4 socket; TCP's on UDP.
        s.setsockopt_int(c, IPPROTO_IPV6, IPV6_V6ONLY, 1);
        s.getsockopt_int(c, IPPROTO_IPV6, IPV6_V6ONLY);
        s.setsockopt_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
        s.getsockopt_int(c, IPPROTO_TCP, TCP_KEEPIDLE);
        s.setsockopt_int(c, 99, 1, 1); // an unknown level
        s.getsockopt_int(c, 99, 1);
        s.close(c);
    }
}

SCENARIO(inet_options, ipv6_level)
{
    for (int type : { SOCK_STREAM, SOCK_DGRAM }) {
        int c = int(s.socket(AF_INET6, type));
        set_get(s, c, IPPROTO_IPV6, IPV6_V6ONLY, { 1, 0, 1 });
        set_get(s, c, IPPROTO_IPV6, IPV6_RECVPKTINFO, { 1, 0 });
        set_get(s, c, IPPROTO_IPV6, IPV6_RECVERR, { 1 });
        set_get(s, c, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, { 1 });
        set_get(s, c, IPPROTO_IPV6, IPV6_RECVTCLASS, { 1 });
        set_get(s, c, IPPROTO_IPV6, IPV6_TCLASS, { 0x20, 0x23, -1, 256, -2 });
        set_get(s, c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, { 10, 0, -1, 256 });
        set_get(s, c, IPPROTO_IPV6, IPV6_FREEBIND, { 1 });
        set_get(s, c, IPPROTO_IPV6, IPV6_MTU_DISCOVER, { 0, 5, 6, -1 });
        s.setsockopt_int(c, IPPROTO_IPV6, IPV6_MTU, 1280); // unbound's; read back only when connected
        s.setsockopt_int(c, IPPROTO_IPV6, IPV6_MTU, 0);
        s.setsockopt_int(c, IPPROTO_IPV6, IPV6_MTU, 1279); // EINVAL
        set_get(s, c, IPPROTO_IP, IP_TOS, { 0x10 }); // IPv4's, for mapped addresses
        s.bind_inet(c, AF_INET6, "::1", 0);
        s.setsockopt_int(c, IPPROTO_IPV6, IPV6_V6ONLY, 0); // bound: EINVAL
        s.getsockopt_int(c, IPPROTO_IPV6, IPV6_V6ONLY);
        s.setsockopt_int(c, 99, 1, 1);
        s.getsockopt_int(c, 99, 1);
        s.close(c);
    }
}

SCENARIO(inet_options, socket_level)
{
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    set_get(s, c, SOL_SOCKET, SO_REUSEADDR, { 1, 0 });
    set_get(s, c, SOL_SOCKET, SO_REUSEPORT, { 1, 0 });
    set_get(s, c, SOL_SOCKET, SO_KEEPALIVE, { 1, 0 });
    set_get(s, c, SOL_SOCKET, SO_SNDBUF, { 65536, 4096, 100 });
    set_get(s, c, SOL_SOCKET, SO_RCVBUF, { 65536, 4096, 100 });
    set_get(s, c, SOL_SOCKET, SO_PRIORITY, { 3, 0 });
    set_get(s, c, SOL_SOCKET, SO_RCVLOWAT, { 1, 100 });
    set_get(s, c, SOL_SOCKET, SO_SNDLOWAT, { 100 });
    set_get(s, c, SOL_SOCKET, SO_OOBINLINE, { 1 });
    set_get(s, c, SOL_SOCKET, SO_DONTROUTE, { 1 });
    s.setsockopt_int(c, SOL_SOCKET, 200, 1); // unknown: ENOPROTOOPT
    s.getsockopt_int(c, SOL_SOCKET, 200);
}

// A connection inherits its listener's options; a listener takes
// TCP_FASTOPEN (its queue) but not TCP_FASTOPEN_CONNECT; a connected socket
// neither.
SCENARIO(inet_options, accepted_connection_inherits)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM));
    s.setsockopt_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_NODELAY, 1);
    s.setsockopt_int(l, SOL_SOCKET, SO_KEEPALIVE, 1);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_KEEPIDLE, 30);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_KEEPINTVL, 5);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_KEEPCNT, 4);
    s.setsockopt_int(l, IPPROTO_IP, IP_TOS, 0x10);
    s.bind_inet(l, AF_INET, "127.0.0.1", 0);
    s.listen(l, 8);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_FASTOPEN, 16);
    s.getsockopt_int(l, IPPROTO_TCP, TCP_FASTOPEN);
    s.setsockopt_int(l, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1); // EINVAL
    s.getsockopt_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT);
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c, AF_INET, "127.0.0.1", s.port_of(l));
    s.send(c, "x", MSG_NOSIGNAL); // TCP_DEFER_ACCEPT waits for data
    int a = int(s.accept4(l, 0));
    for (int name : { TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT })
        s.getsockopt_int(a, IPPROTO_TCP, name);
    s.getsockopt_int(a, SOL_SOCKET, SO_KEEPALIVE);
    s.getsockopt_int(a, IPPROTO_IP, IP_TOS);
    s.getsockopt_int(a, SOL_SOCKET, SO_REUSEADDR);
    s.setsockopt_int(c, IPPROTO_TCP, TCP_FASTOPEN, 4); // connected: EINVAL
    s.setsockopt_int(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1); // EINVAL
    s.setsockopt_int(a, IPPROTO_TCP, TCP_KEEPIDLE, 100); // a connection's own
    s.getsockopt_int(a, IPPROTO_TCP, TCP_KEEPIDLE);
    s.read(a, 4);
}

// TCP_DEFER_ACCEPT: a connection that has sent nothing is not handed out
// (poll says not readable, accept says EAGAIN) until its first data.
SCENARIO(inet_options, deferred_accept_waits_for_data)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
    s.setsockopt_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
    s.bind_inet(l, AF_INET, "127.0.0.1", 0);
    s.listen(l, 8);
    int c = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(c, AF_INET, "127.0.0.1", s.port_of(l));
    s.poll({ { l, POLLIN } }, 200);
    s.accept4(l, 0);
    s.send(c, "data", MSG_NOSIGNAL);
    s.poll({ { l, POLLIN } }, 5000);
    int a = int(s.accept4(l, 0));
    s.read(a, 8);
    s.accept4(l, 0);
}
