#include "InetAddress.h"
#include "../abi/Linux.h"

namespace husk {

using namespace kstd::errno_values;

kstd::ErrorOr<InetAddress> InetAddress::from(const SocketAddress& addr, int family)
{
    InetAddress a {};
    if (family == linux::AF_INET) {
        if (addr.length < sizeof(linux::sockaddr_in))
            return err(EINVAL);
        linux::sockaddr_in in;
        memcpy(&in, addr.bytes, sizeof in);
        if (in.sin_family != linux::AF_INET)
            return err(EAFNOSUPPORT);
        ip_addr_set_ip4_u32_val(a.ip, in.sin_addr);
        a.port = __builtin_bswap16(in.sin_port);
        return a;
    }
    if (addr.length < sizeof(linux::sockaddr_in6))
        return err(EINVAL);
    linux::sockaddr_in6 in6;
    memcpy(&in6, addr.bytes, sizeof in6);
    if (in6.sin6_family != linux::AF_INET6)
        return err(EAFNOSUPPORT);
    uint32_t words[4];
    memcpy(words, in6.sin6_addr, 16);
    IP_ADDR6(&a.ip, words[0], words[1], words[2], words[3]);
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
    if (words[0] == 0 && words[1] == 0 && words[2] == __builtin_bswap32(0xffff))
        ip_addr_set_ip4_u32_val(a.ip, words[3]);
    a.port = __builtin_bswap16(in6.sin6_port);
    return a;
}

SocketAddress InetAddress::to_socket_address(int family) const
{
    if (family == linux::AF_INET) {
        linux::sockaddr_in in {};
        in.sin_family = linux::AF_INET;
        in.sin_port = __builtin_bswap16(port);
        in.sin_addr = IP_IS_V4(&ip) ? ip_addr_get_ip4_u32(&ip) : 0;
        return SocketAddress::of(&in, sizeof in);
    }
    linux::sockaddr_in6 in6 {};
    in6.sin6_family = linux::AF_INET6;
    in6.sin6_port = __builtin_bswap16(port);
    if (IP_IS_V4(&ip)) {
        uint32_t words[4] = { 0, 0, __builtin_bswap32(0xffff), ip_addr_get_ip4_u32(&ip) };
        if (ip_addr_get_ip4_u32(&ip) == 0)
            words[2] = 0; // the unspecified address is ::, not ::ffff:0.0.0.0
        memcpy(in6.sin6_addr, words, 16);
    } else {
        memcpy(in6.sin6_addr, ip_2_ip6(&ip)->addr, 16);
    }
    return SocketAddress::of(&in6, sizeof in6);
}

} // namespace husk
