// An Internet socket address (IPv4 or IPv6 and a port) as lwIP keeps it,
// read from and written as the Linux sockaddr_in / sockaddr_in6 a program
// passes.
#pragma once

#include "../kstd/ErrorOr.h"
#include "SocketAddress.h"
#include "lwip/ip_addr.h"

namespace husk {

struct InetAddress {
    ip_addr_t ip;
    uint16_t port { 0 }; // host order

    // A sockaddr of `family` (the socket's): EINVAL when too short,
    // EAFNOSUPPORT when of another family.
    static kstd::ErrorOr<InetAddress> from(const SocketAddress& addr, int family);
    // The address as a sockaddr of `family`.
    SocketAddress to_socket_address(int family) const;
    // A connect or send to the any-address (0.0.0.0, ::) reaches this host,
    // as on Linux: it becomes the loopback address of its kind.
    void any_means_loopback()
    {
        if (ip_addr_isany(&ip))
            ip_addr_set_loopback(IP_IS_V4(&ip) ? 0 : 1, &ip);
    }
};

} // namespace husk
