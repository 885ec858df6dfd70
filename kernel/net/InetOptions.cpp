#include "InetOptions.h"
#include "../abi/Linux.h"
#include "../kstd/Types.h"

namespace husk {

namespace {
using kstd::err;
using namespace kstd::errno_values;

// How a value is checked and stored (Linux's net/ipv4/tcp.c, ip_sockglue.c,
// net/ipv6/ipv6_sockglue.c).
enum class Rule : uint8_t {
    Bool,        // any int, stored as 0/1
    Range,       // lo..hi, else EINVAL
    NonNegative, // >= 0
    Any,         // any int
    Tos,         // a byte; a stream's ECN bits are TCP's own
    Ttl,         // -1 (the default) or 1..255
    Hops,        // -1 (the default) .. 255
    Tclass,      // -1 (0) .. 255; a stream's ECN bits are TCP's own
    Maxseg,      // 0 (unset) or 88..32767
    Linger2,     // < 0: -1; at most 120 s
    Defer,       // seconds, kept as SYN-ACK retransmissions
    FastOpen,    // the queue length, at most somaxconn; closed or listening only
    FastOpenConnect, // 0 or 1; closed only
    Ipv6Mtu,     // 0 (the path's) or at least 1280
};

constexpr uint8_t kStream = 1, kDatagram = 2, kV6Only = 4;
constexpr int IP = linux::IPPROTO_IP, TCP = linux::IPPROTO_TCP, IPV6 = linux::IPPROTO_IPV6;

struct Option {
    int level, name;
    uint8_t who; // kStream | kDatagram, kV6Only
    Rule rule;
    int lo, hi, fallback; // fallback: what get returns before a set
};

// One slot each (InetOptions::kSlots).
constexpr Option kOptions[] = {
    // TCP (stream sockets)
    { TCP, 2, kStream, Rule::Maxseg, 0, 0, 536 },           // TCP_MAXSEG (unconnected)
    { TCP, 4, kStream, Rule::Range, 1, 32767, 7200 },       // TCP_KEEPIDLE
    { TCP, 5, kStream, Rule::Range, 1, 32767, 75 },         // TCP_KEEPINTVL
    { TCP, 6, kStream, Rule::Range, 1, 127, 9 },            // TCP_KEEPCNT
    { TCP, 7, kStream, Rule::Range, 1, 127, 6 },            // TCP_SYNCNT
    { TCP, 8, kStream, Rule::Linger2, 0, 0, 0 },            // TCP_LINGER2 (0: tcp_fin_timeout, 60)
    { TCP, 9, kStream, Rule::Defer, 0, 0, 0 },              // TCP_DEFER_ACCEPT
    { TCP, 12, kStream, Rule::Bool, 0, 0, 1 },              // TCP_QUICKACK
    { TCP, 18, kStream, Rule::NonNegative, 0, 0, 0 },       // TCP_USER_TIMEOUT
    { TCP, 23, kStream, Rule::FastOpen, 0, 0, 0 },          // TCP_FASTOPEN
    { TCP, 25, kStream, Rule::Any, 0, 0, 0 },               // TCP_NOTSENT_LOWAT
    { TCP, 30, kStream, Rule::FastOpenConnect, 0, 0, 0 },   // TCP_FASTOPEN_CONNECT
    // IPv4 (IPv6 sockets take them too, for mapped addresses)
    { IP, 1, kStream | kDatagram, Rule::Tos, 0, 0, 0 },     // IP_TOS
    { IP, 2, kStream | kDatagram, Rule::Ttl, 0, 0, 64 },    // IP_TTL
    { IP, 8, kStream | kDatagram, Rule::Bool, 0, 0, 0 },    // IP_PKTINFO
    { IP, 10, kStream | kDatagram, Rule::Range, 0, 5, 1 },  // IP_MTU_DISCOVER (IP_PMTUDISC_WANT)
    { IP, 11, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_RECVERR
    { IP, 12, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_RECVTTL
    { IP, 13, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_RECVTOS
    { IP, 15, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_FREEBIND
    { IP, 19, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_TRANSPARENT
    { IP, 20, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_RECVORIGDSTADDR
    { IP, 24, kStream | kDatagram, Rule::Bool, 0, 0, 0 },   // IP_BIND_ADDRESS_NO_PORT
    // IPv6 (IPv6 sockets)
    { IPV6, 16, kStream | kDatagram | kV6Only, Rule::Hops, 0, 0, 64 }, // IPV6_UNICAST_HOPS
    { IPV6, 23, kStream | kDatagram | kV6Only, Rule::Range, 0, 5, 1 }, // IPV6_MTU_DISCOVER (IPV6_PMTUDISC_WANT)
    { IPV6, 24, kStream | kDatagram | kV6Only, Rule::Ipv6Mtu, 0, 0, 0 }, // IPV6_MTU (fragment size; unbound)
    { IPV6, 25, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_RECVERR
    { IPV6, 26, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_V6ONLY (the socket checks binding)
    { IPV6, 49, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_RECVPKTINFO
    { IPV6, 51, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_RECVHOPLIMIT
    { IPV6, 66, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_RECVTCLASS
    { IPV6, 67, kStream | kDatagram | kV6Only, Rule::Tclass, 0, 0, 0 }, // IPV6_TCLASS
    { IPV6, 75, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_TRANSPARENT
    { IPV6, 78, kStream | kDatagram | kV6Only, Rule::Bool, 0, 0, 0 },  // IPV6_FREEBIND
};
static_assert(sizeof kOptions / sizeof kOptions[0] <= InetOptions::kSlots);

// TCP_DEFER_ACCEPT: Linux keeps the number of SYN-ACK retransmissions that
// cover the seconds asked for (1 s, doubling, at most 120 s each), and
// reports their total: 5 s becomes 7.
constexpr int kTimeoutInit = 1, kRtoMax = 120;
int seconds_to_retransmissions(int seconds)
{
    int count = 0;
    if (seconds > 0) {
        int timeout = kTimeoutInit, period = timeout;
        count = 1;
        while (seconds > period && count < 255) {
            ++count;
            timeout = timeout * 2 > kRtoMax ? kRtoMax : timeout * 2;
            period += timeout;
        }
    }
    return count;
}
int retransmissions_to_seconds(int count)
{
    int period = 0;
    if (count > 0) {
        int timeout = kTimeoutInit;
        period = timeout;
        while (--count) {
            timeout = timeout * 2 > kRtoMax ? kRtoMax : timeout * 2;
            period += timeout;
        }
    }
    return period;
}
} // namespace

int InetOptions::index(int level, int name) const
{
    for (int i = 0; i < int(sizeof kOptions / sizeof kOptions[0]); ++i) {
        const Option& o = kOptions[i];
        if (o.level != level || o.name != name)
            continue;
        if (!(o.who & (m_stream ? kStream : kDatagram)))
            return -1;
        if ((o.who & kV6Only) && m_family != linux::AF_INET6)
            return -1;
        return i;
    }
    return -1;
}

bool InetOptions::has(int level, int name) const { return index(level, name) >= 0; }

kstd::ErrorOr<void> InetOptions::set(int level, int name, const void* value, uint32_t length, State state)
{
    int i = index(level, name);
    if (i < 0)
        return err(ENOPROTOOPT);
    // IPv4's options take a byte too (and nothing: 0); the others an int.
    int v = 0;
    if (length >= sizeof(int))
        memcpy(&v, value, sizeof v);
    else if (level == IP && length >= 1)
        v = *static_cast<const uint8_t*>(value);
    else if (level != IP)
        return err(EINVAL);
    const Option& o = kOptions[i];
    switch (o.rule) {
    case Rule::Bool: v = v != 0; break;
    case Rule::Range:
        if (v < o.lo || v > o.hi)
            return err(EINVAL);
        break;
    case Rule::NonNegative:
        if (v < 0)
            return err(EINVAL);
        break;
    case Rule::Any: break;
    case Rule::Tos:
        v &= 0xff;
        if (m_stream)
            v &= ~3;
        break;
    case Rule::Ttl:
        if (v != -1 && (v < 1 || v > 255))
            return err(EINVAL);
        if (v == -1)
            v = o.fallback;
        break;
    case Rule::Hops:
        if (v < -1 || v > 255)
            return err(EINVAL);
        if (v == -1)
            v = o.fallback;
        break;
    case Rule::Tclass:
        if (v < -1 || v > 255)
            return err(EINVAL);
        if (v == -1)
            v = 0;
        if (m_stream)
            v &= ~3;
        break;
    case Rule::Maxseg:
        if (v && (v < 88 || v > 32767))
            return err(EINVAL);
        if (!v)
            v = o.fallback;
        break;
    case Rule::Linger2: v = v < 0 ? -1 : v > 120 ? 120 : v; break;
    case Rule::Defer: v = seconds_to_retransmissions(v); break;
    case Rule::FastOpen:
        if (v < 0 || state == State::Connected)
            return err(EINVAL);
        if (v > 4096) // somaxconn
            v = 4096;
        break;
    case Rule::Ipv6Mtu:
        if (v && v < 1280) // IPV6_MIN_MTU
            return err(EINVAL);
        break;
    case Rule::FastOpenConnect:
        if (v < 0 || v > 1 || state != State::Closed)
            return err(EINVAL);
        break;
    }
    m_values[i] = v;
    m_set |= uint64_t(1) << i;
    return {};
}

int InetOptions::get(int level, int name) const
{
    int i = index(level, name);
    if (i < 0)
        return 0;
    const Option& o = kOptions[i];
    if (!(m_set & (uint64_t(1) << i)))
        return o.rule == Rule::Linger2 ? 60 : o.fallback;
    int v = m_values[i];
    if (o.rule == Rule::Linger2 && v == 0)
        return 60; // tcp_fin_timeout
    if (o.rule == Rule::Defer)
        return retransmissions_to_seconds(v);
    return v;
}

} // namespace husk
