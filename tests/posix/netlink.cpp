// AF_NETLINK sockets as Linux makes them: which types and protocols exist,
// their SOL_SOCKET and SOL_NETLINK options, readiness and errors. What the
// dumps say differs between the host and Husk (other interfaces): the
// structural checks of tests/net/netlink-check.c compare those.
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(netlink, types_protocols_and_options)
{
    s.socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE); // ESOCKTNOSUPPORT
    s.socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE);
    s.socket(AF_NETLINK, SOCK_RAW, 31); // a protocol no kernel registers
    s.socket(AF_NETLINK, SOCK_RAW, 32); // past MAX_LINKS
    s.socket(AF_NETLINK, SOCK_RAW, -1);
    s.socketpair(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); // EOPNOTSUPP
    int fd = int(s.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
    int dgram = int(s.socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE));
    s.getsockopt_int(fd, SOL_SOCKET, SO_TYPE);
    s.getsockopt_int(dgram, SOL_SOCKET, SO_TYPE);
    s.getsockopt_int(fd, SOL_SOCKET, SO_DOMAIN);
    s.getsockopt_int(fd, SOL_SOCKET, SO_PROTOCOL);
    s.setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, 32768);
    s.getsockopt_int(fd, SOL_SOCKET, SO_RCVBUF);
    for (int name : { NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_PKTINFO, NETLINK_CAP_ACK, NETLINK_NO_ENOBUFS }) {
        s.getsockopt_int(fd, SOL_NETLINK, name);
        s.setsockopt_int(fd, SOL_NETLINK, name, 1);
        s.getsockopt_int(fd, SOL_NETLINK, name);
    }
    s.setsockopt_int(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 0); // EINVAL
    s.setsockopt_int(fd, SOL_NETLINK, 99, 1);                     // ENOPROTOOPT
    s.setsockopt_int(fd, 0 /* SOL_IP */, 2 /* IP_TTL */, 1); // not netlink's level
    s.getsockopt_int(fd, 0, 2);
    s.poll({ { fd, POLLIN | POLLOUT } }, 0); // writable, nothing to read
    s.recv(fd, 64, 0);                        // nonblocking: EAGAIN
    s.recv(dgram, 64, MSG_DONTWAIT);
    s.shutdown(fd, SHUT_RDWR); // EOPNOTSUPP
}
