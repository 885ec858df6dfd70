// An AF_NETLINK socket of protocol NETLINK_ROUTE (netlink(7)): a program
// sends requests to the kernel (port 0) and receives the answers as
// datagrams (RouteNetlink makes them), from port 0. Binding gives the
// socket a port id as Linux does: the process id for the first socket,
// then unique negative numbers. Group subscriptions (nl_groups,
// NETLINK_ADD_MEMBERSHIP) are kept and reported, but no events are sent:
// Husk's interfaces change only at boot. Other netlink protocols are not
// built (EPROTONOSUPPORT, as Linux without them).
#pragma once

#include "../abi/Netlink.h"
#include "../kstd/Vector.h"
#include "Socket.h"

namespace husk {

class NetlinkSocket final : public Socket {
public:
    // type: SOCK_RAW or SOCK_DGRAM (the type bits only).
    static kstd::ErrorOr<kstd::RefPtr<Socket>> create(int type, int protocol, int flags);
    ~NetlinkSocket() override;

    kstd::ErrorOr<void> bind(const SocketAddress& addr) override;
    kstd::ErrorOr<void> connect(const SocketAddress& addr) override;
    kstd::ErrorOr<SocketAddress> local_address() override;
    kstd::ErrorOr<SocketAddress> peer_address() override;
    kstd::ErrorOr<size_t> send(IoBuffer buf, size_t n, int flags, const SocketAddress* to) override;
    kstd::ErrorOr<size_t> receive(IoBuffer buf, size_t n, int flags, SocketAddress* from) override;
    kstd::ErrorOr<void> shutdown(int how) override;
    short poll_events() override;
    kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length) override;
    kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room) override;
    int last_receive_flags() const override { return m_last_receive_flags; }

protected:
    kstd::ErrorOr<size_t> unread_bytes() override;

private:
    NetlinkSocket(int type, int flags) : Socket(linux::AF_NETLINK, type, flags) {}
    // Gives the socket its port id (Linux's netlink_autobind) unless it has one.
    void autobind();
    static bool port_taken(uint32_t port);

    uint32_t m_port { 0 };           // 0: not bound
    uint32_t m_groups { 0 };         // multicast groups 1..32 (bit g-1)
    uint32_t m_peer_port { 0 }, m_peer_groups { 0 };
    uint32_t m_options { 0 };        // SOL_NETLINK boolean options, bit per name
    kstd::Vector<kstd::Vector<uint8_t>> m_queue; // answers not read yet
    size_t m_queued_bytes { 0 };                 // bounded by SO_RCVBUF
    int m_last_receive_flags { 0 };
};

} // namespace husk
