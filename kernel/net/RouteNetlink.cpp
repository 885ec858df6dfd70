#include "RouteNetlink.h"
#include "../abi/Linux.h"
#include "../kstd/Types.h"
#include "Inet.h"
#include "NetStack.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

constexpr size_t kMaxInterfaces = NetStack::kMaxInterfaces + 1; // and lo
constexpr int kDumpStarted = 1; // a dump answered: no acknowledgement (Linux's -EINTR); not an errno (-EPERM is -1)

struct Request {
    const nlmsghdr& header;
    const uint8_t* payload; // after the header
    uint32_t size;          // of the payload
    // The family a request names (rtgenmsg, the first byte of every fixed part).
    uint8_t family() const { return size ? payload[0] : 0; }
};

// Interface index a request's fixed part names (ifinfomsg, ifaddrmsg), 0: any.
int requested_index(const Request& r, uint16_t type)
{
    if (type == RTM_GETLINK && r.size >= sizeof(ifinfomsg)) {
        ifinfomsg m;
        memcpy(&m, r.payload, sizeof m);
        return m.ifi_index;
    }
    if (type == RTM_GETADDR && r.size >= sizeof(ifaddrmsg)) {
        ifaddrmsg m;
        memcpy(&m, r.payload, sizeof m);
        return int(m.ifa_index);
    }
    return 0;
}

// An attribute of a request after its fixed part (IFLA_IFNAME), or null.
const rtattr* find_attribute(const Request& r, uint32_t fixed, uint16_t type, uint32_t& length)
{
    for (uint32_t at = nl_align(fixed); at + sizeof(rtattr) <= r.size;) {
        rtattr a;
        memcpy(&a, r.payload + at, sizeof a);
        if (a.rta_len < sizeof(rtattr) || at + a.rta_len > r.size)
            break;
        if (a.rta_type == type) {
            length = a.rta_len - sizeof(rtattr);
            return reinterpret_cast<const rtattr*>(r.payload + at);
        }
        at += nl_align(a.rta_len);
    }
    return nullptr;
}

void put_link(NetlinkReply& out, const InterfaceView& v, uint16_t flags)
{
    ifinfomsg m {};
    m.ifi_family = AF_UNSPEC;
    m.ifi_type = v.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
    m.ifi_index = v.index;
    m.ifi_flags = v.flags;
    out.begin(RTM_NEWLINK, flags, &m, sizeof m);
    out.attribute_string(IFLA_IFNAME, v.name);
    out.attribute_u32(IFLA_TXQLEN, 1000);
    // lo's state is unknown to Linux (no carrier to speak of).
    out.attribute_u8(IFLA_OPERSTATE, v.loopback ? IF_OPER_UNKNOWN : (v.flags & IFF_RUNNING) ? IF_OPER_UP : IF_OPER_DOWN);
    out.attribute_u8(IFLA_LINKMODE, 0);
    out.attribute_u32(IFLA_MTU, v.mtu);
    out.attribute_u32(IFLA_MIN_MTU, v.loopback ? 0 : 68);
    out.attribute_u32(IFLA_MAX_MTU, v.loopback ? 0 : 65535);
    out.attribute_u32(IFLA_GROUP, 0);
    out.attribute_u32(IFLA_PROMISCUITY, 0);
    out.attribute_u32(IFLA_NUM_TX_QUEUES, 1);
    out.attribute_u32(IFLA_NUM_RX_QUEUES, 1);
    out.attribute_u8(IFLA_CARRIER, (v.flags & IFF_LOWER_UP) ? 1 : 0);
    out.attribute_string(IFLA_QDISC, v.loopback ? "noqueue" : "pfifo_fast");
    uint8_t broadcast[6];
    memset(broadcast, v.loopback ? 0 : 0xff, sizeof broadcast);
    out.attribute(IFLA_ADDRESS, v.hwaddr, 6);
    out.attribute(IFLA_BROADCAST, broadcast, 6);
    out.end();
}

unsigned prefix_of(uint32_t netmask_network_order)
{
    unsigned bits = 0; // no popcount: the kernel links without libgcc
    for (uint32_t m = netmask_network_order; m; m &= m - 1)
        ++bits;
    return bits;
}

void put_ipv4_address(NetlinkReply& out, const InterfaceView& v)
{
    ifaddrmsg m {};
    m.ifa_family = AF_INET;
    m.ifa_prefixlen = uint8_t(prefix_of(v.netmask));
    m.ifa_flags = uint8_t(IFA_F_PERMANENT);
    m.ifa_scope = v.loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
    m.ifa_index = uint32_t(v.index);
    out.begin(RTM_NEWADDR, NLM_F_MULTI, &m, sizeof m);
    out.attribute(IFA_ADDRESS, &v.ipv4, 4);
    out.attribute(IFA_LOCAL, &v.ipv4, 4);
    if (!v.loopback) {
        uint32_t broadcast = v.ipv4 | ~v.netmask;
        out.attribute(IFA_BROADCAST, &broadcast, 4);
    }
    out.attribute_string(IFA_LABEL, v.name);
    out.attribute_u32(IFA_FLAGS, IFA_F_PERMANENT);
    ifa_cacheinfo c { 0xffffffff, 0xffffffff, 0, 0 };
    out.attribute(IFA_CACHEINFO, &c, sizeof c);
    out.end();
}

uint8_t ipv6_scope(const uint8_t* a)
{
    static constexpr uint8_t loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    if (memcmp(a, loopback, 16) == 0)
        return RT_SCOPE_HOST;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return RT_SCOPE_LINK;
    return RT_SCOPE_UNIVERSE;
}

void put_ipv6_address(NetlinkReply& out, const InterfaceView& v, const InterfaceView::Ipv6& a)
{
    uint8_t scope = ipv6_scope(a.address);
    // Autoconfigured global addresses have lifetimes; lo's and link-local ones are permanent.
    uint32_t flags = (scope == RT_SCOPE_UNIVERSE ? 0 : IFA_F_PERMANENT) | (a.tentative ? IFA_F_TENTATIVE : 0);
    ifaddrmsg m {};
    m.ifa_family = AF_INET6;
    m.ifa_prefixlen = a.prefix;
    m.ifa_flags = uint8_t(flags);
    m.ifa_scope = scope;
    m.ifa_index = uint32_t(v.index);
    out.begin(RTM_NEWADDR, NLM_F_MULTI, &m, sizeof m);
    out.attribute(IFA_ADDRESS, a.address, 16);
    ifa_cacheinfo c { 0xffffffff, 0xffffffff, 0, 0 };
    out.attribute(IFA_CACHEINFO, &c, sizeof c);
    out.attribute_u32(IFA_FLAGS, flags);
    out.end();
}

void put_route(NetlinkReply& out, uint8_t family, uint8_t dst_len, uint8_t protocol, uint8_t scope,
               const void* dst, const void* gateway, const void* source, uint32_t priority, int index)
{
    uint32_t size = family == AF_INET ? 4 : 16;
    rtmsg m {};
    m.rtm_family = family;
    m.rtm_dst_len = dst_len;
    m.rtm_table = RT_TABLE_MAIN;
    m.rtm_protocol = protocol;
    m.rtm_scope = scope;
    m.rtm_type = RTN_UNICAST;
    out.begin(RTM_NEWROUTE, NLM_F_MULTI, &m, sizeof m);
    out.attribute_u32(RTA_TABLE, RT_TABLE_MAIN);
    if (dst_len)
        out.attribute(RTA_DST, dst, size);
    if (family == AF_INET6 || priority)
        out.attribute_u32(RTA_PRIORITY, priority);
    if (source)
        out.attribute(RTA_PREFSRC, source, size);
    if (gateway)
        out.attribute(RTA_GATEWAY, gateway, size);
    out.attribute_u32(RTA_OIF, uint32_t(index));
    if (family == AF_INET6)
        out.attribute_u8(RTA_PREF, 0);
    out.end();
}

void dump_links(NetlinkReply& out, const InterfaceView* views, size_t count)
{
    for (size_t i = 0; i < count; ++i)
        put_link(out, views[i], NLM_F_MULTI);
}

// Linux dumps every IPv4 address, then every IPv6 one (AF_UNSPEC: each
// family in turn).
void dump_addresses(NetlinkReply& out, const InterfaceView* views, size_t count, uint8_t family, int index)
{
    bool v4 = family != AF_INET6, v6 = family != AF_INET;
    for (size_t i = 0; v4 && i < count; ++i)
        if (views[i].ipv4 && (!index || views[i].index == index))
            put_ipv4_address(out, views[i]);
    for (size_t i = 0; v6 && i < count; ++i)
        for (size_t k = 0; k < views[i].ipv6_count; ++k)
            if (!index || views[i].index == index)
                put_ipv6_address(out, views[i], views[i].ipv6[k]);
}

void dump_routes(NetlinkReply& out, const InterfaceView* views, size_t count, uint8_t family)
{
    if (family != AF_INET6) {
        // The main table: the default route, then each subnet (Linux keeps
        // 127.0.0.0/8 in the local table).
        for (size_t i = 0; i < count; ++i)
            if (views[i].is_default)
                put_route(out, AF_INET, 0, RTPROT_BOOT, RT_SCOPE_UNIVERSE, nullptr, &views[i].gateway, nullptr, 0,
                          views[i].index);
        for (size_t i = 0; i < count; ++i) {
            const InterfaceView& v = views[i];
            if (v.loopback || !v.ipv4 || !(v.flags & IFF_UP))
                continue;
            uint32_t subnet = v.ipv4 & v.netmask;
            put_route(out, AF_INET, uint8_t(prefix_of(v.netmask)), RTPROT_KERNEL, RT_SCOPE_LINK, &subnet, nullptr,
                      &v.ipv4, 0, v.index);
        }
    }
    if (family != AF_INET) {
        static constexpr uint8_t loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
        for (size_t i = 0; i < count; ++i)
            if (views[i].loopback && views[i].ipv6_count)
                put_route(out, AF_INET6, 128, RTPROT_KERNEL, RT_SCOPE_UNIVERSE, loopback, nullptr, nullptr, 256,
                          views[i].index);
        Ipv6RouteView routes[16];
        size_t n = Inet::operations() ? Inet::operations()->ipv6_routes(routes, 16) : 0;
        for (size_t i = 0; i < n; ++i) {
            const Ipv6RouteView& r = routes[i];
            if (r.prefix)
                put_route(out, AF_INET6, r.prefix, r.destination[0] == 0xfe ? RTPROT_KERNEL : RTPROT_RA,
                          RT_SCOPE_UNIVERSE, r.destination, nullptr, nullptr, 256, r.index);
            else
                put_route(out, AF_INET6, 0, RTPROT_RA, RT_SCOPE_UNIVERSE, nullptr, r.gateway, nullptr, 1024, r.index);
        }
    }
}

// RTM_GETLINK without NLM_F_DUMP: the link named by index or IFLA_IFNAME.
int get_link(NetlinkReply& out, const Request& r, const InterfaceView* views, size_t count)
{
    int index = requested_index(r, RTM_GETLINK);
    uint32_t length = 0;
    const rtattr* name = find_attribute(r, sizeof(ifinfomsg), IFLA_IFNAME, length);
    for (size_t i = 0; i < count; ++i) {
        const InterfaceView& v = views[i];
        bool match = index ? v.index == index : false;
        if (!index && name) {
            const char* text = reinterpret_cast<const char*>(name + 1);
            size_t n = 0;
            while (n < length && text[n])
                ++n;
            match = n < sizeof v.name && memcmp(v.name, text, n) == 0 && v.name[n] == 0;
        }
        if (match) {
            put_link(out, v, 0);
            out.flush();
            return 0;
        }
    }
    return index || name ? -ENODEV : -EINVAL;
}

// One request: 0 or a negative errno (acknowledged or reported), or
// kDumpStarted.
int answer(const Request& r, const RouteNetlink::Sender& sender, NetlinkReply& out)
{
    uint16_t type = r.header.nlmsg_type;
    if (type > RTM_MAX)
        return -EOPNOTSUPP;
    if (r.size < 1) // every rtnetlink message has at least its family
        return 0;
    int kind = (type - RTM_NEWLINK) & 3; // NEW, DEL, GET, SET
    if (kind != 2)
        return sender.superuser ? -EOPNOTSUPP : -EPERM;
    InterfaceView views[kMaxInterfaces];
    size_t count = Inet::operations() ? Inet::operations()->interfaces(views, kMaxInterfaces) : 0;
    if ((r.header.nlmsg_flags & NLM_F_DUMP) == 0)
        return type == RTM_GETLINK ? get_link(out, r, views, count) : -EOPNOTSUPP;
    switch (type) {
    case RTM_GETLINK: dump_links(out, views, count); break;
    case RTM_GETADDR: dump_addresses(out, views, count, r.family(), requested_index(r, type)); break;
    case RTM_GETROUTE: dump_routes(out, views, count, r.family()); break;
    case RTM_GETNEIGH:   // lwIP's neighbour caches are not shown: empty dumps
    case RTM_GETRULE:    // no policy routing
    case RTM_GETNETCONF: break;
    default: return -EOPNOTSUPP;
    }
    out.done();
    return kDumpStarted;
}

} // namespace

void RouteNetlink::handle(const uint8_t* data, size_t size, const Sender& sender, NetlinkReply& reply)
{
    size_t at = 0;
    while (size - at >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        memcpy(&h, data + at, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > size - at)
            return;
        Request r { h, data + at + sizeof h, uint32_t(h.nlmsg_len - sizeof h) };
        reply.set_seq(h.nlmsg_seq);
        int result = 0;
        // Only requests are handled; control messages are skipped.
        if ((h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE)
            result = answer(r, sender, reply);
        if (result != kDumpStarted && ((h.nlmsg_flags & NLM_F_ACK) || result))
            reply.error(-result, h, r.payload, r.size, sender.capped_ack);
        at += kstd::min<size_t>(nl_align(h.nlmsg_len), size - at);
    }
}

} // namespace husk
