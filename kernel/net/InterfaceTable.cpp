#include "InterfaceTable.h"
#include "../abi/Linux.h"
#include "../core/Log.h"
#include "../kstd/Format.h"
#include "../kstd/StringView.h"
#include "../proc/Process.h"
#include "EthernetInterface.h"
#include "NetStack.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/priv/nd6_priv.h"

namespace husk {

using namespace kstd::errno_values;

namespace {

// Linux's request numbers (include/uapi/linux/sockios.h).
enum : unsigned long {
    SIOCADDRT = 0x890B, SIOCDELRT = 0x890C, SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912,
    SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFADDR = 0x8915, SIOCSIFADDR = 0x8916,
    SIOCGIFBRDADDR = 0x8919, SIOCGIFNETMASK = 0x891B, SIOCSIFNETMASK = 0x891C, SIOCGIFMTU = 0x8921,
    SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933,
};
enum : uint16_t { IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40, IFF_MULTICAST = 0x1000 };
enum : uint16_t { RTF_UP = 0x1, RTF_GATEWAY = 0x2 };
constexpr uint16_t ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
constexpr size_t IFNAMSIZ = 16;

struct sockaddr_any {
    uint16_t family;
    uint8_t data[14];
};
struct ifreq {
    char name[IFNAMSIZ];
    union {
        sockaddr_any addr;
        int16_t flags;
        int32_t value; // ifindex, mtu
        uint8_t pad[24];
    };
};
static_assert(sizeof(ifreq) == 40);
struct ifconf {
    int32_t length;
    uint32_t pad;
    uint64_t buffer;
};
struct rtentry {
    uint64_t pad1;
    sockaddr_any dst, gateway, genmask;
    uint16_t flags;
    int16_t pad2;
    uint64_t pad3, pad4;
    int16_t metric;
    uint64_t dev; // a user pointer to a name, or 0
    uint64_t mtu, window;
    uint16_t irtt;
};
static_assert(sizeof(rtentry) == 120);

// Linux's interface index of a netif.
int index_of(const netif& n) { return int(netif_get_index(const_cast<netif*>(&n))); }

// lwIP names its loopback "lo0"; Linux and ifconfig say "lo". Ethernet
// interfaces have the platform's names.
void name_of(const netif& n, char* out)
{
    __builtin_memset(out, 0, IFNAMSIZ);
    const char* name = (n.flags & NETIF_FLAG_ETHARP) ? static_cast<const EthernetInterface*>(n.state)->name() : "lo";
    for (size_t k = 0; k < IFNAMSIZ - 1 && name[k]; ++k)
        out[k] = name[k];
}

netif* by_name(const char* name)
{
    char candidate[IFNAMSIZ];
    for (netif* n = netif_list; n; n = n->next) {
        name_of(*n, candidate);
        if (kstd::StringView(candidate) == kstd::StringView(name))
            return n;
    }
    return nullptr;
}

bool is_loopback(const netif& n) { return !(n.flags & NETIF_FLAG_ETHARP); }

// An interface with routes: Ethernet, up, with an IPv4 address.
bool routes(const netif& n) { return !is_loopback(n) && netif_is_up(&n) && !ip4_addr_isany_val(*netif_ip4_addr(&n)); }

uint16_t flags_of(const netif& n)
{
    uint16_t f = is_loopback(n) ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST;
    if (netif_is_up(&n))
        f |= IFF_UP | (netif_is_link_up(&n) ? IFF_RUNNING : 0);
    return f;
}

void put_ipv4(sockaddr_any& a, uint32_t address)
{
    a = {};
    a.family = linux::AF_INET;
    __builtin_memcpy(a.data + 2, &address, 4);
}

ErrorOr<uint32_t> get_ipv4(const sockaddr_any& a)
{
    if (a.family != linux::AF_INET)
        return err(EINVAL);
    uint32_t address;
    __builtin_memcpy(&address, a.data + 2, 4);
    return address;
}

ErrorOr<long> list_interfaces(IoBuffer arg)
{
    ifconf conf;
    TRY(arg.read_into(&conf, 0, sizeof conf));
    // Linux lists the interfaces that have an IPv4 address; with no buffer
    // it says how much room they need.
    int32_t used = 0;
    for (netif* n = netif_list; n; n = n->next) {
        if (ip4_addr_isany_val(*netif_ip4_addr(n)))
            continue;
        if (conf.buffer) {
            if (used + int32_t(sizeof(ifreq)) > conf.length)
                break;
            ifreq r {};
            name_of(*n, r.name);
            put_ipv4(r.addr, ip4_addr_get_u32(netif_ip4_addr(n)));
            TRY(arg.at_address(uintptr_t(conf.buffer)).write_from(size_t(used), &r, sizeof r));
        }
        used += int32_t(sizeof(ifreq));
    }
    conf.length = used;
    TRY(arg.write_from(0, &conf, sizeof conf));
    return 0;
}

ErrorOr<long> change_route(unsigned long request, IoBuffer arg)
{
    if (!Process::current().credentials().capable(Capability::NetAdmin))
        return err(EPERM);
    rtentry r;
    TRY(arg.read_into(&r, 0, sizeof r));
    uint32_t dst = TRY(get_ipv4(r.dst)), mask = r.genmask.family ? TRY(get_ipv4(r.genmask)) : 0;
    // lwIP routes by interface subnets plus one default interface: only
    // the default route is a route of its own.
    if (dst != 0 || mask != 0) {
        klog(LogLevel::Info, "route: only the default route can be changed (other routes follow the interfaces' subnets)");
        return err(EOPNOTSUPP);
    }
    if (request == SIOCDELRT) {
        if (!netif_default || ip4_addr_isany_val(*netif_ip4_gw(netif_default)))
            return err(ESRCH);
        ip4_addr_t none = {};
        netif_set_gw(netif_default, &none);
        return 0;
    }
    if (!(r.flags & RTF_GATEWAY))
        return err(EINVAL);
    ip4_addr_t gw;
    ip4_addr_set_u32(&gw, TRY(get_ipv4(r.gateway)));
    // The interface on the gateway's subnet carries the route.
    for (netif* n = netif_list; n; n = n->next) {
        if (routes(*n) && ip4_addr_netcmp(&gw, netif_ip4_addr(n), netif_ip4_netmask(n))) {
            if (netif_default && netif_default != n && !ip4_addr_isany_val(*netif_ip4_gw(netif_default)))
                return err(EEXIST);
            netif_set_gw(n, &gw);
            netif_set_default(n);
            return 0;
        }
    }
    return err(ENETUNREACH);
}

} // namespace

ErrorOr<long> InterfaceTable::ioctl(unsigned long request, IoBuffer arg)
{
    NetStack::init();
    if (request == SIOCGIFCONF)
        return list_interfaces(arg);
    if (request == SIOCADDRT || request == SIOCDELRT)
        return change_route(request, arg);
    ifreq r;
    TRY(arg.read_into(&r, 0, sizeof r));
    netif* n = nullptr;
    if (request == SIOCGIFNAME) {
        for (n = netif_list; n && index_of(*n) != r.value; n = n->next) {}
    } else {
        r.name[IFNAMSIZ - 1] = 0;
        n = by_name(r.name);
    }
    if (!n)
        return err(ENODEV);
    bool superuser = Process::current().credentials().capable(Capability::NetAdmin);
    switch (request) {
    case SIOCGIFNAME: name_of(*n, r.name); break;
    case SIOCGIFINDEX: r.value = index_of(*n); break;
    case SIOCGIFFLAGS: r.flags = int16_t(flags_of(*n)); break;
    case SIOCGIFMTU: r.value = is_loopback(*n) ? 65536 : int32_t(n->mtu); break;
    case SIOCGIFADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFBRDADDR: {
        uint32_t address = ip4_addr_get_u32(netif_ip4_addr(n)), mask = ip4_addr_get_u32(netif_ip4_netmask(n));
        if (address == 0)
            return err(EADDRNOTAVAIL);
        uint32_t broadcast = is_loopback(*n) ? 0 : address | ~mask; // Linux: lo has none (0.0.0.0)
        put_ipv4(r.addr, request == SIOCGIFADDR ? address : request == SIOCGIFNETMASK ? mask : broadcast);
        break;
    }
    case SIOCGIFHWADDR:
        r.addr = {};
        r.addr.family = is_loopback(*n) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
        __builtin_memcpy(r.addr.data, n->hwaddr, is_loopback(*n) ? 0 : 6);
        break;
    case SIOCSIFFLAGS:
        if (!superuser)
            return err(EPERM);
        if (r.flags & IFF_UP)
            netif_set_up(n);
        else
            netif_set_down(n);
        NetStack::kick();
        return 0;
    case SIOCSIFADDR:
    case SIOCSIFNETMASK: {
        if (!superuser)
            return err(EPERM);
        if (is_loopback(*n))
            return err(EPERM); // lo keeps 127.0.0.1/8
        ip4_addr_t a;
        ip4_addr_set_u32(&a, TRY(get_ipv4(r.addr)));
        if (request == SIOCSIFADDR) {
            // Linux: a new address brings the interface up with its class's
            // netmask unless one is set next.
            netif_set_ipaddr(n, &a);
            netif_set_up(n);
        } else {
            netif_set_netmask(n, &a);
        }
        NetStack::kick();
        return 0;
    }
    default:
        return err(ENOTTY);
    }
    TRY(arg.write_from(0, &r, sizeof r));
    return 0;
}

size_t InterfaceTable::interfaces(InterfaceView* out, size_t max)
{
    NetStack::init();
    size_t count = 0;
    for (netif* n = netif_list; n && count < max; n = n->next) {
        InterfaceView& v = out[count++];
        v = {};
        v.index = index_of(*n);
        name_of(*n, v.name);
        v.loopback = is_loopback(*n);
        constexpr unsigned IFF_LOWER_UP = 0x10000;
        v.flags = flags_of(*n) | (netif_is_up(n) && netif_is_link_up(n) ? IFF_LOWER_UP : 0);
        v.mtu = v.loopback ? 65536 : n->mtu;
        if (!v.loopback)
            __builtin_memcpy(v.hwaddr, n->hwaddr, 6);
        v.ipv4 = ip4_addr_get_u32(netif_ip4_addr(n));
        v.netmask = ip4_addr_get_u32(netif_ip4_netmask(n));
        v.gateway = ip4_addr_get_u32(netif_ip4_gw(n));
        v.is_default = n == netif_default && v.gateway != 0 && routes(*n);
        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && v.ipv6_count < InterfaceView::kMaxIpv6; ++i) {
            uint8_t state = netif_ip6_addr_state(n, i);
            if (!ip6_addr_isvalid(state) && !ip6_addr_istentative(state))
                continue;
            auto& a = v.ipv6[v.ipv6_count++];
            __builtin_memcpy(a.address, netif_ip6_addr(n, i)->addr, 16);
            // lwIP keeps no prefix length: ::1 is a host, SLAAC's and the
            // link-local addresses are /64 (Linux says the same of them).
            a.prefix = v.loopback ? 128 : 64;
            a.tentative = ip6_addr_istentative(state);
        }
    }
    // lwIP adds interfaces at the front of its list: index order, as Linux lists them.
    for (size_t i = 1; i < count; ++i)
        for (size_t k = i; k > 0 && out[k - 1].index > out[k].index; --k) {
            InterfaceView t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
        }
    return count;
}

size_t InterfaceTable::ipv6_routes(Ipv6RouteView* out, size_t max)
{
    NetStack::init();
    size_t count = 0;
    for (int i = 0; i < LWIP_ND6_NUM_PREFIXES && count < max; ++i) {
        const nd6_prefix_list_entry& p = prefix_list[i];
        if (!p.netif || !p.invalidation_timer)
            continue;
        Ipv6RouteView& r = out[count++];
        r = {};
        r.index = index_of(*p.netif);
        __builtin_memcpy(r.destination, p.prefix.addr, 16);
        r.prefix = 64;
    }
    // Every Ethernet interface with a link-local address has fe80::/64.
    for (netif* n = netif_list; n && count < max; n = n->next) {
        if (is_loopback(*n) || !ip6_addr_isvalid(netif_ip6_addr_state(n, 0)))
            continue;
        Ipv6RouteView& r = out[count++];
        r = {};
        r.index = index_of(*n);
        r.destination[0] = 0xfe;
        r.destination[1] = 0x80;
        r.prefix = 64;
    }
    for (int i = 0; i < LWIP_ND6_NUM_ROUTERS && count < max; ++i) {
        const nd6_router_list_entry& d = default_router_list[i];
        if (!d.neighbor_entry || !d.neighbor_entry->netif)
            continue;
        Ipv6RouteView& r = out[count++];
        r = {};
        r.index = index_of(*d.neighbor_entry->netif);
        __builtin_memcpy(r.gateway, d.neighbor_entry->next_hop_address.addr, 16);
    }
    return count;
}

size_t InterfaceTable::route_text(char* buf, size_t size)
{
    // Linux pads every line to 127 characters.
    size_t used = 0;
    auto line = [&](const char* text) {
        char padded[160];
        size_t k = kstd::format(padded, sizeof padded, "%-127s\n", text);
        for (size_t i = 0; i < k && used + 1 < size; ++i)
            buf[used++] = padded[i];
    };
    auto route = [&](const char* iface, uint32_t dst, uint32_t gw, unsigned flags, uint32_t mask) {
        char text[160];
        kstd::format(text, sizeof text, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", iface, dst, gw, flags, mask);
        line(text);
    };
    line("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    NetStack::init();
    for (netif* i = netif_list; i; i = i->next) {
        if (!routes(*i))
            continue;
        char name[IFNAMSIZ];
        name_of(*i, name);
        uint32_t address = ip4_addr_get_u32(netif_ip4_addr(i)), mask = ip4_addr_get_u32(netif_ip4_netmask(i));
        uint32_t gw = ip4_addr_get_u32(netif_ip4_gw(i));
        if (i == netif_default && gw)
            route(name, 0, gw, RTF_UP | RTF_GATEWAY, 0);
        route(name, address & mask, 0, RTF_UP, mask);
    }
    if (size)
        buf[used] = 0;
    return used;
}

} // namespace husk
