#include "UdpSocket.h"
#include "NetStack.h"
#include "PbufCopy.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kMaxDatagram = 65507; // an IPv4 datagram's payload at most
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
    if (self->m_shut_read || self->m_queued_bytes + p->tot_len > self->m_rcvbuf
        || !self->m_queue.append({ p, { *addr, port } })) {
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
    err_t e = addressed ? udp_sendto(m_pcb, p, &dest.ip, dest.port) : udp_send(m_pcb, p);
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
