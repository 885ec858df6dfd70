#include "NetlinkSocket.h"
#include "../abi/Netlink.h"
#include "../kstd/NeverDestroyed.h"
#include "../proc/Process.h"
#include "RouteNetlink.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
// The bound sockets (port ids are unique among them).
kstd::Vector<NetlinkSocket*>& bound_sockets()
{
    static kstd::NeverDestroyed<kstd::Vector<NetlinkSocket*>> sockets;
    return sockets.get();
}
int32_t g_rover = -4096; // Linux's next negative port id
constexpr int SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, MSG_OOB = 1;
constexpr uint32_t kRouteGroups = 32; // bits of nl_groups; RTNLGRP_MAX is larger, ADD_MEMBERSHIP takes those

ErrorOr<sockaddr_nl> netlink_address(const SocketAddress& a)
{
    if (a.length < sizeof(sockaddr_nl))
        return err(EINVAL);
    sockaddr_nl n;
    memcpy(&n, a.bytes, sizeof n);
    if (n.nl_family != AF_NETLINK)
        return err(EINVAL);
    return n;
}

SocketAddress address_of(uint32_t port, uint32_t groups)
{
    sockaddr_nl n { uint16_t(AF_NETLINK), 0, port, groups };
    return SocketAddress::of(&n, sizeof n);
}
} // namespace

ErrorOr<RefPtr<Socket>> NetlinkSocket::create(int type, int protocol, int flags)
{
    if (type != SOCK_RAW && type != SOCK_DGRAM)
        return err(ESOCKTNOSUPPORT);
    if (protocol != NETLINK_ROUTE) // the only one built; others as Linux without them
        return err(EPROTONOSUPPORT);
    auto* s = new NetlinkSocket(type, flags);
    if (!s)
        return err(ENOMEM);
    s->m_rcvbuf = 212992; // Linux's rmem_default
    s->m_sndbuf = 212992;
    return RefPtr<Socket>::adopt(s);
}

NetlinkSocket::~NetlinkSocket()
{
    auto& all = bound_sockets();
    for (size_t i = 0; i < all.size(); ++i)
        if (all[i] == this) {
            all.remove(i);
            break;
        }
}

bool NetlinkSocket::port_taken(uint32_t port)
{
    for (NetlinkSocket* s : bound_sockets())
        if (s->m_port == port)
            return true;
    return false;
}

void NetlinkSocket::autobind()
{
    if (m_port)
        return;
    uint32_t port = Process::current().pid();
    while (port_taken(port)) {
        port = uint32_t(g_rover--);
        if (g_rover > -4096) // wrapped
            g_rover = -4096;
    }
    if (bound_sockets().append(this))
        m_port = port;
}

ErrorOr<void> NetlinkSocket::bind(const SocketAddress& addr)
{
    sockaddr_nl a = TRY(netlink_address(addr));
    if (m_port && a.nl_pid && a.nl_pid != m_port)
        return err(EINVAL);
    if (!m_port && a.nl_pid) {
        if (port_taken(a.nl_pid))
            return err(EADDRINUSE);
        if (!bound_sockets().append(this))
            return err(ENOMEM);
        m_port = a.nl_pid;
    }
    autobind();
    if (!m_port)
        return err(ENOMEM);
    m_groups = a.nl_groups; // accepted; no events are sent (see the header)
    return {};
}

ErrorOr<void> NetlinkSocket::connect(const SocketAddress& addr)
{
    if (addr.length >= sizeof(uint16_t) && addr.family() == AF_UNSPEC) {
        m_peer_port = m_peer_groups = 0;
        return {};
    }
    sockaddr_nl a = TRY(netlink_address(addr));
    autobind();
    m_peer_port = a.nl_pid;
    m_peer_groups = a.nl_groups;
    return {};
}

ErrorOr<SocketAddress> NetlinkSocket::local_address() { return address_of(m_port, m_groups); }
ErrorOr<SocketAddress> NetlinkSocket::peer_address() { return address_of(m_peer_port, m_peer_groups); }

ErrorOr<void> NetlinkSocket::shutdown(int) { return err(EOPNOTSUPP); } // sock_no_shutdown

ErrorOr<size_t> NetlinkSocket::send(IoBuffer buf, size_t n, int flags, const SocketAddress* to)
{
    if (flags & MSG_OOB)
        return err(EOPNOTSUPP);
    uint32_t port = m_peer_port, groups = m_peer_groups;
    if (to && to->length) {
        sockaddr_nl a = TRY(netlink_address(*to));
        port = a.nl_pid;
        groups = a.nl_groups;
    }
    if (groups) // sending to a group needs CAP_NET_ADMIN's kind of rights
        return err(EPERM);
    if (port != 0) // another program's socket: Husk routes to the kernel only
        return err(ECONNREFUSED);
    autobind();
    if (n > m_sndbuf - 32)
        return err(EMSGSIZE);
    kstd::Vector<uint8_t> request;
    if (!request.resize(n ? n : 1))
        return err(ENOMEM);
    if (n)
        TRY(buf.read_into(request.data(), 0, n));
    RouteNetlink::Sender sender { m_port, Process::current().credentials().capable(Capability::NetAdmin),
                                  (m_options & (1u << NETLINK_CAP_ACK)) != 0 };
    NetlinkReply reply(0, m_port);
    RouteNetlink::handle(request.data(), n, sender, reply);
    if (reply.failed())
        return err(ENOBUFS);
    auto answers = reply.take();
    size_t size = 0;
    for (auto& d : answers)
        size += d.size();
    // A reader that does not read: beyond the receive buffer the answers
    // are lost and the next receive says ENOBUFS, as Linux's overrun.
    if (!m_queue.is_empty() && m_queued_bytes + size > m_rcvbuf) {
        if (!(m_options & (1u << NETLINK_NO_ENOBUFS)))
            m_error = ENOBUFS;
        changed(POLLIN | POLLERR);
        return n;
    }
    for (auto& d : answers) {
        m_queued_bytes += d.size();
        if (!m_queue.append(kstd::move(d)))
            return err(ENOBUFS);
    }
    if (!answers.is_empty())
        changed(POLLIN);
    return n;
}

ErrorOr<size_t> NetlinkSocket::receive(IoBuffer buf, size_t n, int flags, SocketAddress* from)
{
    if (flags & MSG_OOB)
        return err(EOPNOTSUPP);
    if (int e = take_error()) // an overrun is reported first
        return err(e);
    while (m_queue.is_empty()) {
        if (is_nonblocking() || (flags & MSG_DONTWAIT))
            return err(EAGAIN);
        TRY(sleep(false));
    }
    kstd::Vector<uint8_t>& d = m_queue[0];
    size_t length = d.size();
    size_t copy = kstd::min(n, length);
    if (copy)
        TRY(buf.write_from(0, d.data(), copy));
    m_last_receive_flags = copy < length ? MSG_TRUNC : 0;
    if (from)
        *from = address_of(0, 0); // the kernel
    if (!(flags & MSG_PEEK)) {
        m_queued_bytes -= length;
        m_queue.remove(0);
    }
    // MSG_TRUNC: the datagram's real length (netlink users size their buffer so).
    return (flags & MSG_TRUNC) ? length : copy;
}

ErrorOr<size_t> NetlinkSocket::unread_bytes() { return m_queue.is_empty() ? 0 : m_queue[0].size(); }

short NetlinkSocket::poll_events()
{
    short ev = POLLOUT | POLLWRNORM;
    if (!m_queue.is_empty())
        ev |= POLLIN | POLLRDNORM;
    if (m_error)
        ev |= POLLERR;
    return ev;
}

ErrorOr<void> NetlinkSocket::set_option(int level, int name, const void* value, uint32_t length)
{
    if (level == SOL_SOCKET && (name == SO_RCVBUFFORCE || name == SO_SNDBUFFORCE)) {
        if (!Process::current().credentials().capable(Capability::NetAdmin))
            return err(EPERM);
        int v = TRY(int_option(value, length));
        (name == SO_RCVBUFFORCE ? m_rcvbuf : m_sndbuf) = v < 0 ? 2304u : uint32_t(v) * 2;
        return {};
    }
    if (level == SOL_SOCKET)
        return Socket::set_option(level, name, value, length);
    if (level != SOL_NETLINK)
        return err(ENOPROTOOPT);
    // Linux reads an int when there is room for one, else 0.
    int v = 0;
    if (length >= sizeof(int))
        memcpy(&v, value, sizeof v);
    switch (name) {
    case NETLINK_ADD_MEMBERSHIP:
    case NETLINK_DROP_MEMBERSHIP:
        if (v <= 0)
            return err(EINVAL);
        autobind();
        if (uint32_t(v) <= kRouteGroups) {
            uint32_t bit = 1u << (v - 1);
            m_groups = name == NETLINK_ADD_MEMBERSHIP ? m_groups | bit : m_groups & ~bit;
        }
        return {};
    case NETLINK_PKTINFO:
    case NETLINK_BROADCAST_ERROR:
    case NETLINK_NO_ENOBUFS:
    case NETLINK_LISTEN_ALL_NSID:
    case NETLINK_CAP_ACK:
    case NETLINK_EXT_ACK:
    case NETLINK_GET_STRICT_CHK:
        m_options = v ? m_options | (1u << name) : m_options & ~(1u << name);
        return {};
    default:
        return err(ENOPROTOOPT);
    }
}

ErrorOr<uint32_t> NetlinkSocket::get_option(int level, int name, void* value, uint32_t room)
{
    if (level == SOL_SOCKET && name == SO_PROTOCOL) {
        int v = NETLINK_ROUTE;
        return put_option(value, room, &v, sizeof v);
    }
    if (level == SOL_SOCKET)
        return Socket::get_option(level, name, value, room);
    if (level != SOL_NETLINK)
        return err(ENOPROTOOPT);
    switch (name) {
    case NETLINK_LIST_MEMBERSHIPS:
        return put_option(value, room, &m_groups, sizeof m_groups);
    case NETLINK_PKTINFO:
    case NETLINK_BROADCAST_ERROR:
    case NETLINK_NO_ENOBUFS:
    case NETLINK_LISTEN_ALL_NSID:
    case NETLINK_CAP_ACK:
    case NETLINK_EXT_ACK:
    case NETLINK_GET_STRICT_CHK: {
        if (room < sizeof(int))
            return err(EINVAL);
        int v = (m_options >> name) & 1;
        return put_option(value, room, &v, sizeof v);
    }
    default:
        return err(ENOPROTOOPT);
    }
}

} // namespace husk
