#include "UdpSocket.h"
#include "NetStack.h"
#include "PbufCopy.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/udp.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kMaxDatagram = 65507; // an IPv4 datagram's payload at most
// Linux's option and control message numbers (in.h, in6.h).
constexpr int IP_PKTINFO = 8, IP_RECVTTL = 12, IP_RECVTOS = 13;
constexpr int IPV6_RECVPKTINFO = 49, IPV6_PKTINFO = 50, IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52,
              IPV6_RECVTCLASS = 66;
struct in_pktinfo {
    int32_t ipi_ifindex;
    uint32_t ipi_spec_dst, ipi_addr;
};
struct in6_pktinfo {
    uint8_t ipi6_addr[16];
    int32_t ipi6_ifindex;
};

Socket::Ancillary message(int level, int type, const void* data, uint32_t size)
{
    Socket::Ancillary a { level, type, size, {} };
    memcpy(a.data, data, size);
    return a;
}

// An IPv4 address as IPv6 sees it (::ffff:a.b.c.d), or the IPv6 one.
void ipv6_bytes(const ip_addr_t& a, uint8_t* out)
{
    if (IP_IS_V4_VAL(a)) {
        memset(out, 0, 16);
        out[10] = out[11] = 0xff;
        uint32_t v4 = ip4_addr_get_u32(ip_2_ip4(&a));
        memcpy(out + 12, &v4, 4);
    } else {
        memcpy(out, ip_2_ip6(&a)->addr, 16);
    }
}

// Whether an address is one of this host's (what Linux accepts as a source).
bool is_local(const ip_addr_t& a)
{
    if (IP_IS_V4_VAL(a)) {
        if (ip4_addr_isloopback(ip_2_ip4(&a)))
            return true;
        for (netif* n = netif_list; n; n = n->next)
            if (ip4_addr_cmp(ip_2_ip4(&a), netif_ip4_addr(n)))
                return true;
        return false;
    }
    for (netif* n = netif_list; n; n = n->next)
        if (netif_get_ip6_addr_match(n, ip_2_ip6(&a)) >= 0)
            return true;
    return false;
}
} // namespace

ErrorOr<RefPtr<Socket>> UdpSocket::create(int family, int flags)
{
    if (!NetStack::is_up())
        NetStack::init();
    udp_pcb* pcb = udp_new_ip_type(family == linux::AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (!pcb)
        return err(ENOBUFS);
    auto* s = new UdpSocket(family, flags, pcb);
    if (!s) {
        udp_remove(pcb);
        return err(ENOMEM);
    }
    udp_recv(pcb, on_receive, s);
    return RefPtr<Socket>::adopt(s);
}

UdpSocket::UdpSocket(int family, int flags, udp_pcb* pcb)
    : Socket(family, linux::SOCK_DGRAM, flags), m_pcb(pcb), m_options(family, false)
{
}

UdpSocket::~UdpSocket()
{
    for (Datagram& d : m_queue)
        pbuf_free(d.data);
    udp_remove(m_pcb);
}

void UdpSocket::on_receive(void* arg, udp_pcb*, pbuf* p, const ip_addr_t* addr, uint16_t port)
{
    auto* self = static_cast<UdpSocket*>(arg);
    // Beyond the receive buffer, or after shutdown(SHUT_RD), datagrams drop
    // (Linux counts them as receive buffer errors).
    // What recvmsg's control messages report, from the packet lwIP is
    // delivering now.
    Datagram d { p, { *addr, port }, *ip_current_dest_addr(), 0, 64, 0 };
    if (netif* in = ip_current_input_netif())
        d.ifindex = netif_get_index(in);
    if (ip_current_is_v6()) {
        d.ttl = IP6H_HOPLIM(ip6_current_header());
        d.tos = uint8_t(IP6H_TC(ip6_current_header()));
    } else if (ip4_current_header()) {
        d.ttl = IPH_TTL(ip4_current_header());
        d.tos = IPH_TOS(ip4_current_header());
    }
    if (self->m_shut_read || self->m_queued_bytes + p->tot_len > self->m_rcvbuf || !self->m_queue.append(d)) {
        pbuf_free(p);
        return;
    }
    self->m_queued_bytes += p->tot_len;
    self->changed(linux::POLLIN);
}

ErrorOr<void> UdpSocket::bind(const SocketAddress& addr)
{
    InetAddress a = TRY(InetAddress::from(addr, m_family));
    if (m_bound)
        return err(EINVAL);
    if (m_family == linux::AF_INET6 && ip_addr_isany(&a.ip) && !m_options.get(linux::IPPROTO_IPV6, linux::IPV6_V6ONLY))
        a.ip = *IP_ANY_TYPE; // :: takes IPv4 too
    if (m_reuseaddr)
        ip_set_option(m_pcb, SOF_REUSEADDR);
    err_t e = udp_bind(m_pcb, &a.ip, a.port);
    if (e == ERR_USE)
        return err(EADDRINUSE);
    if (e != ERR_OK)
        return err(EADDRNOTAVAIL);
    m_bound = true;
    return {};
}

// A socket that sends or connects unbound gets an ephemeral port, as on Linux.
ErrorOr<void> UdpSocket::bind_any()
{
    if (m_bound)
        return {};
    err_t e = udp_bind(m_pcb, m_family == linux::AF_INET ? IP4_ADDR_ANY : IP_ANY_TYPE, 0);
    if (e != ERR_OK)
        return err(EAGAIN);
    m_bound = true;
    return {};
}

ErrorOr<void> UdpSocket::connect(const SocketAddress& addr)
{
    // AF_UNSPEC dissolves the association (the family is read first).
    if (addr.length >= sizeof(uint16_t) && addr.family() == linux::AF_UNSPEC) {
        udp_disconnect(m_pcb);
        m_connected = false;
        return {};
    }
    InetAddress a = TRY(InetAddress::from(addr, m_family));
    a.any_means_loopback();
    TRY(bind_any());
    if (udp_connect(m_pcb, &a.ip, a.port) != ERR_OK)
        return err(ENETUNREACH);
    m_connected = true;
    return {};
}

ErrorOr<void> UdpSocket::shutdown(int how)
{
    if (how < linux::SHUT_RD || how > linux::SHUT_RDWR)
        return err(EINVAL);
    if (!m_connected)
        return err(ENOTCONN);
    if (how != linux::SHUT_WR)
        m_shut_read = true;
    if (how != linux::SHUT_RD)
        m_shut_write = true;
    changed();
    return {};
}

ErrorOr<SocketAddress> UdpSocket::local_address()
{
    InetAddress a { m_pcb->local_ip, m_pcb->local_port };
    return a.to_socket_address(m_family);
}

ErrorOr<SocketAddress> UdpSocket::peer_address()
{
    if (!m_connected)
        return err(ENOTCONN);
    InetAddress a { m_pcb->remote_ip, m_pcb->remote_port };
    return a.to_socket_address(m_family);
}

ErrorOr<size_t> UdpSocket::send(IoBuffer buf, size_t n, int, const SocketAddress* to)
{
    return send_datagram(buf, n, to, nullptr);
}

ErrorOr<UdpSocket::Route> UdpSocket::route_of(const AncillaryList& control, const InetAddress& dest)
{
    Route r { nullptr, {} };
    int ifindex = 0;
    bool sourced = false;
    for (const Ancillary& a : control) {
        if (a.level == linux::IPPROTO_IP && a.type == IP_PKTINFO) {
            if (a.length != sizeof(in_pktinfo)) // Linux wants it exact
                return err(EINVAL);
            in_pktinfo info;
            memcpy(&info, a.data, sizeof info);
            ifindex = info.ipi_ifindex;
            sourced = info.ipi_spec_dst != 0;
            ip_addr_set_ip4_u32_val(r.source, info.ipi_spec_dst);
        } else if (a.level == linux::IPPROTO_IPV6 && a.type == IPV6_PKTINFO) {
            if (a.length < sizeof(in6_pktinfo))
                return err(EINVAL);
            in6_pktinfo info;
            memcpy(&info, a.data, sizeof info);
            ifindex = info.ipi6_ifindex;
            static constexpr uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
            static constexpr uint8_t any[16] = {};
            sourced = memcmp(info.ipi6_addr, any, 16) != 0;
            if (memcmp(info.ipi6_addr, mapped, 12) == 0) {
                uint32_t v4;
                memcpy(&v4, info.ipi6_addr + 12, 4);
                ip_addr_set_ip4_u32_val(r.source, v4);
            } else {
                IP_SET_TYPE_VAL(r.source, IPADDR_TYPE_V6);
                memcpy(ip_2_ip6(&r.source)->addr, info.ipi6_addr, 16);
                ip6_addr_clear_zone(ip_2_ip6(&r.source));
            }
        }
        // IP_TTL, IP_TOS, IPV6_HOPLIMIT, IPV6_TCLASS per message: the
        // socket's own values apply.
    }
    if (!sourced && !ifindex)
        return r; // nothing asked: the ordinary path
    if (ifindex) {
        r.netif = netif_get_by_index(uint8_t(ifindex));
        if (!r.netif)
            return err(ENXIO);
    }
    if (sourced) {
        if (IP_GET_TYPE(&r.source) != IP_GET_TYPE(&dest.ip) || !is_local(r.source))
            return err(EINVAL);
    }
    if (!r.netif)
        r.netif = ip_route(sourced ? &r.source : &m_pcb->local_ip, &dest.ip);
    if (!r.netif)
        return err(ENETUNREACH);
    if (!sourced) {
        const ip_addr_t* chosen = IP_IS_V4(&dest.ip) ? netif_ip_addr4(r.netif)
                                                     : ip6_select_source_address(r.netif, ip_2_ip6(&dest.ip));
        if (!chosen)
            return err(EADDRNOTAVAIL);
        r.source = *chosen;
    }
    return r;
}

ErrorOr<size_t> UdpSocket::send_with_ancillary(IoBuffer buf, size_t n, int, const SocketAddress* to,
                                               const AncillaryList& control)
{
    if (control.is_empty())
        return send_datagram(buf, n, to, nullptr);
    InetAddress dest {};
    if (to) {
        dest = TRY(InetAddress::from(*to, m_family));
        dest.any_means_loopback();
    } else if (m_connected) {
        dest = { m_pcb->remote_ip, m_pcb->remote_port };
    } else {
        return err(EDESTADDRREQ);
    }
    Route r = TRY(route_of(control, dest));
    return send_datagram(buf, n, to, r.netif ? &r : nullptr);
}

ErrorOr<size_t> UdpSocket::send_datagram(IoBuffer buf, size_t n, const SocketAddress* to, const Route* route)
{
    if (n > 0xffff) // Linux checks the length before anything else
        return err(EMSGSIZE);
    if (m_shut_write)
        return err(EPIPE);
    InetAddress dest {};
    bool addressed = to != nullptr;
    if (addressed) {
        dest = TRY(InetAddress::from(*to, m_family));
        dest.any_means_loopback();
    } else if (!m_connected) {
        return err(EDESTADDRREQ);
    }
    if (n > kMaxDatagram)
        return err(EMSGSIZE);
    TRY(bind_any());
    pbuf* p = pbuf_alloc(PBUF_TRANSPORT, uint16_t(n), PBUF_RAM);
    if (!p)
        return err(ENOBUFS);
    if (n) {
        if (auto r = buf.read_into(p->payload, 0, n); r.is_error()) {
            pbuf_free(p);
            return r.error();
        }
    }
    err_t e;
    if (route) // IP_PKTINFO's source and interface
        e = udp_sendto_if_src(m_pcb, p, addressed ? &dest.ip : &m_pcb->remote_ip,
                              addressed ? dest.port : m_pcb->remote_port, route->netif, &route->source);
    else
        e = addressed ? udp_sendto(m_pcb, p, &dest.ip, dest.port) : udp_send(m_pcb, p);
    pbuf_free(p);
    NetStack::deliver_loopback(); // queued at a local receiver before sendto returns, as on Linux
    NetStack::kick();
    if (e == ERR_RTE)
        return err(ENETUNREACH);
    if (e == ERR_MEM || e == ERR_BUF)
        return err(ENOBUFS);
    if (e != ERR_OK && e != ERR_IF)
        return err(EINVAL);
    return n; // a frame the interface could not take is lost, as on a busy NIC
}

ErrorOr<size_t> UdpSocket::receive(IoBuffer buf, size_t n, int flags, SocketAddress* from)
{
    AncillaryList none;
    return receive_with_ancillary(buf, n, flags, from, none);
}

void UdpSocket::describe(const Datagram& d, AncillaryList& control) const
{
    using linux::IPPROTO_IP;
    using linux::IPPROTO_IPV6;
    bool v4 = IP_IS_V4(&d.to);
    // IPv4's messages for an IPv4 packet (an IPv6 socket's too), then IPv6's.
    if (v4) {
        if (m_options.get(IPPROTO_IP, IP_PKTINFO)) {
            uint32_t to = ip4_addr_get_u32(ip_2_ip4(&d.to));
            in_pktinfo info { d.ifindex, to, to };
            // A broadcast or multicast arrived on an interface: the answer's
            // source is that interface's address (Linux's spec_dst).
            netif* in = netif_get_by_index(d.ifindex);
            if (in && (ip4_addr_ismulticast(ip_2_ip4(&d.to)) || ip4_addr_isbroadcast(ip_2_ip4(&d.to), in)))
                info.ipi_spec_dst = ip4_addr_get_u32(netif_ip4_addr(in));
            (void)control.append(message(IPPROTO_IP, IP_PKTINFO, &info, sizeof info));
        }
        if (m_options.get(IPPROTO_IP, IP_RECVTTL)) {
            int ttl = d.ttl;
            (void)control.append(message(IPPROTO_IP, linux::IP_TTL, &ttl, sizeof ttl));
        }
        if (m_options.get(IPPROTO_IP, IP_RECVTOS))
            (void)control.append(message(IPPROTO_IP, linux::IP_TOS, &d.tos, 1));
    }
    if (m_family != linux::AF_INET6)
        return;
    if (m_options.get(IPPROTO_IPV6, IPV6_RECVPKTINFO)) {
        in6_pktinfo info {};
        ipv6_bytes(d.to, info.ipi6_addr);
        info.ipi6_ifindex = d.ifindex;
        (void)control.append(message(IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info));
    }
    if (!v4 && m_options.get(IPPROTO_IPV6, IPV6_RECVHOPLIMIT)) {
        int hops = d.ttl;
        (void)control.append(message(IPPROTO_IPV6, IPV6_HOPLIMIT, &hops, sizeof hops));
    }
    if (!v4 && m_options.get(IPPROTO_IPV6, IPV6_RECVTCLASS)) {
        int tclass = d.tos;
        (void)control.append(message(IPPROTO_IPV6, linux::IPV6_TCLASS, &tclass, sizeof tclass));
    }
}

ErrorOr<size_t> UdpSocket::receive_with_ancillary(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                                  AncillaryList& control)
{
    while (m_queue.is_empty()) {
        if (m_shut_read)
            return 0;
        if (is_nonblocking() || (flags & linux::MSG_DONTWAIT))
            return err(EAGAIN);
        TRY(sleep(false));
    }
    Datagram d = m_queue[0];
    size_t length = d.data->tot_len;
    size_t copy = kstd::min(n, length);
    TRY(copy_from_pbuf(buf, 0, d.data, 0, copy));
    if (from)
        *from = d.from.to_socket_address(m_family);
    describe(d, control);
    m_last_receive_flags = copy < length ? linux::MSG_TRUNC : 0;
    if (!(flags & linux::MSG_PEEK)) {
        m_queue.remove(0);
        m_queued_bytes -= length;
        pbuf_free(d.data);
        changed(linux::POLLOUT);
    }
    return (flags & linux::MSG_TRUNC) ? length : copy;
}

ErrorOr<size_t> UdpSocket::unread_bytes()
{
    return m_queue.is_empty() ? 0 : size_t(m_queue[0].data->tot_len); // Linux: the next datagram's size
}

short UdpSocket::poll_events()
{
    short ev = linux::POLLOUT | linux::POLLWRNORM;
    if (!m_queue.is_empty() || m_shut_read)
        ev |= linux::POLLIN | linux::POLLRDNORM;
    if (m_shut_read && m_shut_write)
        ev |= linux::POLLHUP;
    return ev;
}

ErrorOr<void> UdpSocket::set_option(int level, int name, const void* value, uint32_t length)
{
    if (!m_options.has(level, name))
        return Socket::set_option(level, name, value, length);
    if (level == linux::IPPROTO_IPV6 && name == linux::IPV6_V6ONLY && m_bound)
        return err(EINVAL);
    TRY(m_options.set(level, name, value, length, InetOptions::State::Closed));
    // What lwIP can do: the header fields of what the socket sends.
    if (level == linux::IPPROTO_IP && name == linux::IP_TOS && m_family == linux::AF_INET)
        m_pcb->tos = uint8_t(m_options.get(level, name));
    else if (level == linux::IPPROTO_IPV6 && name == linux::IPV6_TCLASS)
        m_pcb->tos = uint8_t(m_options.get(level, name));
    else if ((level == linux::IPPROTO_IP && name == linux::IP_TTL && m_family == linux::AF_INET)
             || (level == linux::IPPROTO_IPV6 && name == linux::IPV6_UNICAST_HOPS))
        m_pcb->ttl = uint8_t(m_options.get(level, name));
    return {};
}

ErrorOr<uint32_t> UdpSocket::get_option(int level, int name, void* value, uint32_t room)
{
    if (!m_options.has(level, name))
        return Socket::get_option(level, name, value, room);
    int v = m_options.get(level, name);
    return put_option(value, room, &v, sizeof v);
}

} // namespace husk
