// An Internet socket address (IPv4 or IPv6 and a port) as lwIP keeps it,
// read from and written to the Linux sockaddr_in / sockaddr_in6 a program
// passes.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../syscall/UserPtr.h"
#include "lwip/ip_addr.h"

namespace husk {

struct SocketAddress {
    ip_addr_t ip;
    uint16_t port { 0 }; // host order

    // A sockaddr of `family` (the socket's) from user memory: EINVAL when
    // too short, EAFNOSUPPORT when of another family.
    static kstd::ErrorOr<SocketAddress> from_user(UserPtr<const void> addr, uint32_t length, int family);
    // Writes the address as `family` into addr (truncated to *length, as
    // Linux does) and the full length into *length.
    kstd::ErrorOr<void> to_user(int family, UserPtr<void> addr, UserPtr<uint32_t> length) const;
    // A connect or send to the any-address (0.0.0.0, ::) reaches this host,
    // as on Linux: it becomes the loopback address of its kind.
    void any_means_loopback()
    {
        if (ip_addr_isany(&ip))
            ip_addr_set_loopback(IP_IS_V4(&ip) ? 0 : 1, &ip);
    }
};

} // namespace husk
