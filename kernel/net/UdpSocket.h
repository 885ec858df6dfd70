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
    short poll_events() override;
    kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length) override;
    kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room) override;

protected:
    kstd::ErrorOr<size_t> unread_bytes() override;

private:
    struct Datagram {
        pbuf* data;
        InetAddress from;
    };
    UdpSocket(int family, int flags, udp_pcb* pcb);
    static void on_receive(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, uint16_t port);
    kstd::ErrorOr<void> bind_any();

    udp_pcb* m_pcb;
    kstd::Vector<Datagram> m_queue;
    size_t m_queued_bytes { 0 };
    bool m_connected { false }, m_bound { false };
    bool m_shut_read { false }, m_shut_write { false };
    InetOptions m_options;
};

} // namespace husk
