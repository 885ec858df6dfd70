// The network interfaces as Linux programs see them: the SIOC* interface
// ioctls of ifconfig and friends (names, indices, flags, addresses,
// netmasks, MTU, hardware addresses; setting addresses, flags and the
// default route) and /proc/net/route. Interfaces are lwIP's: "lo" (index
// 1, as on Linux) and the platform's Ethernet devices after it.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"
#include "../vfs/IoBuffer.h"

namespace husk {

// One interface as netlink (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE)
// reports it: a snapshot, network byte order for addresses.
struct InterfaceView {
    static constexpr size_t kMaxIpv6 = 4;
    int index;
    char name[16];
    unsigned flags; // IFF_*, with IFF_LOWER_UP when the link is up
    bool loopback;
    uint32_t mtu;
    uint8_t hwaddr[6];
    uint32_t ipv4, netmask, gateway; // 0: none
    bool is_default;                 // carries the default IPv4 route
    struct Ipv6 {
        uint8_t address[16];
        uint8_t prefix;
        bool tentative;
    } ipv6[kMaxIpv6];
    size_t ipv6_count;
};
// An IPv6 route lwIP knows: an on-link prefix or a default router.
struct Ipv6RouteView {
    int index;          // the interface
    uint8_t destination[16];
    uint8_t prefix;     // 0: the default route
    uint8_t gateway[16]; // zero for an on-link prefix
};

class InterfaceTable {
public:
    // The interfaces in index order (lo first); how many, at most max.
    static size_t interfaces(InterfaceView* out, size_t max);
    // IPv6 routes from neighbour discovery (prefixes and routers).
    static size_t ipv6_routes(Ipv6RouteView* out, size_t max);
    // Whether request is an interface or routing ioctl (0x89xx).
    static bool handles(unsigned long request) { return (request & ~0xffUL) == 0x8900; }
    static kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg);
    // /proc/net/route's text (Linux's format); its length (truncated at size).
    static size_t route_text(char* buf, size_t size);
};

} // namespace husk
