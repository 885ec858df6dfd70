// Loopback delivers in the sending call, as Linux's does (its softirq runs
// before the system call returns): a datagram sent to 127.0.0.1 is there
// for a nonblocking recvfrom as soon as sendto returns, a connect to a local
// listener is established (and in the accept queue) when connect returns,
// and stream data is readable by the peer when send returns. No poll or
// sleep between the calls: a stack that leaves loopback packets for a
// network thread answers EAGAIN here.
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "Scenario.h"

SCENARIO(loopback, udp_datagram_is_there_when_sendto_returns)
{
    for (int domain : { AF_INET, AF_INET6 }) {
        const char* address = domain == AF_INET ? "127.0.0.1" : "::1";
        int a = int(s.socket(domain, SOCK_DGRAM | SOCK_NONBLOCK));
        int b = int(s.socket(domain, SOCK_DGRAM | SOCK_NONBLOCK));
        s.bind_inet(a, domain, address, 0);
        s.sendto_inet(b, "at once", domain, address, s.port_of(a));
        s.fionread(a);
        s.recvfrom(a, 64, MSG_DONTWAIT);
        s.sendto_inet(b, "one", domain, address, s.port_of(a));
        s.sendto_inet(b, "two", domain, address, s.port_of(a));
        s.poll({ { a, POLLIN } }, 0);
        s.recvfrom(a, 64, 0);
        s.recvfrom(a, 64, 0);
        s.recvfrom(a, 64, 0); // EAGAIN: nothing more
        s.close(a);
        s.close(b);
    }
}

SCENARIO(loopback, tcp_connect_completes_in_the_call)
{
    for (int domain : { AF_INET, AF_INET6 }) {
        const char* address = domain == AF_INET ? "127.0.0.1" : "::1";
        int l = int(s.socket(domain, SOCK_STREAM | SOCK_NONBLOCK));
        s.bind_inet(l, domain, address, 0);
        s.listen(l, 8);
        // Nonblocking: EINPROGRESS on Linux too, yet established at once.
        int c = int(s.socket(domain, SOCK_STREAM | SOCK_NONBLOCK));
        s.connect_inet(c, domain, address, s.port_of(l));
        s.getsockopt_int(c, SOL_SOCKET, SO_ERROR);
        s.poll({ { c, POLLOUT } }, 0);
        s.poll({ { l, POLLIN } }, 0);
        int a = int(s.accept4(l, SOCK_NONBLOCK));
        s.send(c, "sent", MSG_NOSIGNAL);
        s.recv(a, 16, MSG_DONTWAIT); // the data is there too
        s.send(a, "back", MSG_NOSIGNAL);
        s.recv(c, 16, MSG_DONTWAIT);
        s.shutdown(c, SHUT_WR);
        s.recv(a, 16, MSG_DONTWAIT); // end of stream at once
        // Blocking connect, then a nonblocking accept finds it.
        int d = int(s.socket(domain, SOCK_STREAM));
        s.connect_inet(d, domain, address, s.port_of(l));
        int e = int(s.accept4(l, SOCK_NONBLOCK));
        s.accept4(l, SOCK_NONBLOCK); // EAGAIN: nothing more
        for (int fd : { e, d, a, c, l })
            s.close(fd);
    }
}

SCENARIO(loopback, tcp_refusal_is_known_at_once)
{
    int l = int(s.socket(AF_INET, SOCK_STREAM));
    s.bind_inet(l, AF_INET, "127.0.0.1", 0);
    int port = s.port_of(l);
    int c = int(s.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
    s.connect_inet(c, AF_INET, "127.0.0.1", port); // bound, not listening
    s.getsockopt_int(c, SOL_SOCKET, SO_ERROR); // ECONNREFUSED already
    s.getsockopt_int(c, SOL_SOCKET, SO_ERROR); // reported once
    int d = int(s.socket(AF_INET, SOCK_STREAM));
    s.connect_inet(d, AF_INET, "127.0.0.1", port);
}
