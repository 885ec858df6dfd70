// A UDP socket on lwIP's raw API: received datagrams queue in the socket
// with their sender (bounded by SO_RCVBUF, as Linux drops beyond it);
// each receive returns one datagram, truncated to the buffer (MSG_TRUNC
// gives its real length). Name lookups (musl's and glibc's resolvers) and
// DHCP-less discovery protocols need it.
#pragma once

#include "../kstd/Vector.h"
#include "Socket.h"
#include "InetAddress.h"
#include "InetOptions.h"

struct udp_pcb;
struct pbuf;

namespace husk {

class UdpSocket final : public Socket {
public:
    static kstd::ErrorOr<kstd::RefPtr<Socket>> create(int family, int flags);
    ~UdpSocket() override;

    kstd::ErrorOr<void> bind(const SocketAddress& addr) override;
    kstd::ErrorOr<void> connect(const SocketAddress& addr) override;
    kstd::ErrorOr<void> shutdown(int how) override;
    kstd::ErrorOr<SocketAddress> local_address() override;
    kstd::ErrorOr<SocketAddress> peer_address() override;
    kstd::ErrorOr<size_t> send(IoBuffer buf, size_t n, int flags, const SocketAddress* to) override;
    kstd::ErrorOr<size_t> receive(IoBuffer buf, size_t n, int flags, SocketAddress* from) override;
    // IP_PKTINFO / IPV6_PKTINFO give the source address and interface.
    kstd::ErrorOr<size_t> send_with_ancillary(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                              const AncillaryList& control) override;
    // What IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IPV6_RECVPKTINFO,
    // IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS ask for, as Linux orders them.
    kstd::ErrorOr<size_t> receive_with_ancillary(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                                 AncillaryList& control) override;
    int last_receive_flags() const override { return m_last_receive_flags; }
    short poll_events() override;
    kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length) override;
    kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room) override;

protected:
    kstd::ErrorOr<size_t> unread_bytes() override;

private:
    struct Datagram {
        pbuf* data;
        InetAddress from;
        ip_addr_t to;         // the header's destination
        uint8_t ifindex;      // the interface it came in on
        uint8_t ttl, tos;     // hop limit and traffic class for IPv6
    };
    // Where a send with IP_PKTINFO goes out (EINVAL: a source not ours).
    struct Route {
        struct netif* netif;
        ip_addr_t source;
    };
    kstd::ErrorOr<size_t> send_datagram(IoBuffer buf, size_t n, const SocketAddress* to, const Route* route);
    kstd::ErrorOr<Route> route_of(const AncillaryList& control, const InetAddress& dest);
    void describe(const Datagram& d, AncillaryList& control) const;
    UdpSocket(int family, int flags, udp_pcb* pcb);
    static void on_receive(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, uint16_t port);
    kstd::ErrorOr<void> bind_any();

    udp_pcb* m_pcb;
    kstd::Vector<Datagram> m_queue;
    size_t m_queued_bytes { 0 };
    bool m_connected { false }, m_bound { false };
    bool m_shut_read { false }, m_shut_write { false };
    InetOptions m_options;
    int m_last_receive_flags { 0 };
};

} // namespace husk
