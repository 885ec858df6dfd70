// A TCP socket on lwIP's raw API. lwIP calls back (from the network
// thread, or from within our own lwIP calls) when data, acknowledgements,
// connections or errors arrive; the socket queues received pbufs, wakes
// its sleepers and opens the receive window only as the program reads.
#pragma once

#include "../core/Timer.h"
#include "../kstd/Vector.h"
#include "Socket.h"
#include "InetAddress.h"
#include "InetOptions.h"

struct tcp_pcb;
struct pbuf;

namespace husk {

class TcpSocket final : public Socket {
public:
    static kstd::ErrorOr<kstd::RefPtr<Socket>> create(int family, int flags);
    ~TcpSocket() override;

    kstd::ErrorOr<void> bind(const SocketAddress& addr) override;
    kstd::ErrorOr<void> listen(int backlog) override;
    kstd::ErrorOr<kstd::RefPtr<Socket>> accept(bool nonblocking) override;
    kstd::ErrorOr<void> connect(const SocketAddress& addr) override;
    kstd::ErrorOr<void> shutdown(int how) override;
    kstd::ErrorOr<SocketAddress> local_address() override;
    kstd::ErrorOr<SocketAddress> peer_address() override;
    kstd::ErrorOr<size_t> send(IoBuffer buf, size_t n, int flags, const SocketAddress* to) override;
    kstd::ErrorOr<size_t> receive(IoBuffer buf, size_t n, int flags, SocketAddress* from) override;
    kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length) override;
    kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room) override;
    short poll_events() override;

protected:
    kstd::ErrorOr<size_t> unread_bytes() override;
    kstd::ErrorOr<size_t> take(const uint8_t* data, size_t n) override;
    void push() override;

private:
    enum class State { Fresh, Listening, Connecting, Connected, Closed };
    TcpSocket(int family, int flags, tcp_pcb* pcb, State state);
    void attach_callbacks();
    // The recorded options lwIP can enact, onto the pcb (after a set, and
    // for an accepted connection, which inherits its listener's).
    void apply_options();
    InetOptions::State option_state() const;
    void detach_pcb();
    kstd::ErrorOr<void> wait_for_room(int flags);
    // Sends what lwIP has queued for the stream, as one burst (TransmitBatch).
    void output();
    // send's work; pushing: whether what it queued leaves at once.
    kstd::ErrorOr<size_t> queue_data(IoBuffer buf, size_t n, int flags, bool pushing);
    // lwIP's callbacks.
    static signed char on_receive(void* arg, tcp_pcb* pcb, pbuf* p, signed char error);
    static signed char on_sent(void* arg, tcp_pcb* pcb, uint16_t length);
    static signed char on_connected(void* arg, tcp_pcb* pcb, signed char error);
    static signed char on_accept(void* arg, tcp_pcb* pcb, signed char error);
    static void on_error(void* arg, signed char error);

    tcp_pcb* m_pcb;
    State m_state;
    // Unread data: the chains lwIP delivered, in order (a chain's tot_len is
    // 16 bits, so they are not concatenated), bytes of the first already read.
    kstd::Vector<pbuf*> m_received;
    size_t m_consumed { 0 };
    size_t m_readable { 0 };
    bool m_peer_closed { false }; // FIN received
    bool m_shut_read { false }, m_shut_write { false };
    bool m_bound { false };
    bool m_nodelay { false };
    // TCP_CORK: kept and reported. lwIP already fills segments from what
    // is queued, so corking changes no byte the peer sees; uncorking pushes.
    bool m_cork { false };
    int m_backlog { 0 };
    InetOptions m_options;
    kstd::Vector<kstd::RefPtr<Socket>> m_pending; // established, not yet accepted

    // TCP_DEFER_ACCEPT (tcp(7)): a listener hands out a connection only once
    // it has data (or the peer closed, or it failed), or once the deferral
    // has run out; Linux holds such connections in SYN_RECV meanwhile.
    bool acceptable(const TcpSocket& connection, uint64_t now) const;
    // Index in m_pending of the first acceptable connection, or -1; arms
    // m_defer_timer for the earliest deferral that runs out later.
    long first_acceptable();
    static void defer_expired(void* listener);
    TcpSocket* m_listener { nullptr }; // while waiting in its listener's m_pending
    uint64_t m_established_ns { 0 };
    Timer m_defer_timer;
};

} // namespace husk
