// An AF_UNIX socket — stream, seqpacket or datagram — entirely inside the
// kernel (servers talk to themselves over socketpair; local daemons over
// paths). A connection is two sockets pointing at each other with plain
// pointers: whichever goes first unlinks itself, and the survivor sees the
// end as Linux shows it (EOF, EPIPE, ECONNRESET when data was left unread).
// A datagram socket connected by name looks its target up at each send.
// Data waits in the receiver's queue; a writer sleeps on its own queue and
// its peer wakes it as it reads. Descriptors passed along (SCM_RIGHTS) wait
// with the message they came with, which keeps their files open; a
// stream's reader stops after the message that carried some.
#pragma once

#include "../kstd/Vector.h"
#include "Socket.h"
#include "UnixName.h"

namespace husk {

class UnixSocket final : public Socket {
public:
    // type: SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM.
    static kstd::ErrorOr<kstd::RefPtr<Socket>> create(int type, int flags);
    // socketpair(2): two connected, unnamed sockets.
    static kstd::ErrorOr<void> create_pair(int type, int flags, kstd::RefPtr<Socket>& a, kstd::RefPtr<Socket>& b);
    ~UnixSocket() override;
    // A datagram socket whose records go to `sink` as they are sent, not
    // to its queue: a reader in the kernel (/dev/log's), which never
    // makes a sender wait. `sender`: who sent the record.
    using DatagramSink = void (*)(void* context, const uint8_t* data, size_t n, const linux::ucred& sender);
    void set_datagram_sink(DatagramSink sink, void* context)
    {
        m_sink = sink;
        m_sink_context = context;
    }

    kstd::ErrorOr<void> bind(const SocketAddress& addr) override;
    // Binds to a socket node the kernel made itself in a directory it holds
    // (devfs's /dev/log), with no path walk; path is the name it reports.
    kstd::ErrorOr<void> bind_node(Vnode& node, kstd::StringView path);
    kstd::ErrorOr<void> listen(int backlog) override;
    kstd::ErrorOr<kstd::RefPtr<Socket>> accept(bool nonblocking) override;
    kstd::ErrorOr<void> connect(const SocketAddress& addr) override;
    kstd::ErrorOr<void> shutdown(int how) override;
    kstd::ErrorOr<SocketAddress> local_address() override;
    kstd::ErrorOr<SocketAddress> peer_address() override;
    kstd::ErrorOr<size_t> send(IoBuffer buf, size_t n, int flags, const SocketAddress* to) override;
    kstd::ErrorOr<size_t> receive(IoBuffer buf, size_t n, int flags, SocketAddress* from) override;
    kstd::ErrorOr<size_t> send_with_files(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                          PassedFiles files) override;
    kstd::ErrorOr<size_t> receive_with_files(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                             PassedFiles& files) override;
    kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length) override;
    kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room) override;
    short poll_events() override;
    // recvmsg's msg_flags: MSG_TRUNC when the last record did not fit.
    int last_receive_flags() const override { return m_last_receive_flags; }

protected:
    kstd::ErrorOr<size_t> unread_bytes() override;

private:
    enum class State { Fresh, Listening, Connected };
    struct Message {
        kstd::Vector<uint8_t> data;
        size_t consumed { 0 };
        UnixName from; // a datagram's sender
        PassedFiles files; // descriptors in flight with it
    };
    UnixSocket(int type, int flags);
    bool is_datagram() const { return m_type == linux::SOCK_DGRAM; }
    bool keeps_records() const { return m_type != linux::SOCK_STREAM; }
    static void link(UnixSocket& a, UnixSocket& b);
    // The socket bound to name (ENOENT/ECONNREFUSED/EACCES as connect reports).
    static kstd::ErrorOr<kstd::RefPtr<UnixSocket>> find_bound(const UnixName& name);
    // The socket bound to exactly this name (path names by inode), if any.
    static UnixSocket* bound_to(const UnixName& name);
    kstd::ErrorOr<void> bind_path(UnixName& name);
    // Whether this (receiving) socket can take `bytes` more from `sender`.
    bool has_room_for(size_t bytes, const UnixSocket* sender) const;
    kstd::ErrorOr<size_t> send_stream(IoBuffer buf, size_t n, int flags, PassedFiles files);
    kstd::ErrorOr<size_t> send_record(IoBuffer buf, size_t n, int flags, const SocketAddress* to, PassedFiles files);
    kstd::ErrorOr<void> wait_for_room(UnixSocket& receiver, int flags);
    kstd::ErrorOr<size_t> receive_stream(IoBuffer buf, size_t n, int flags, PassedFiles& files);
    kstd::ErrorOr<size_t> receive_record(IoBuffer buf, size_t n, int flags, SocketAddress* from, PassedFiles& files);
    // A message's files for its reader: taken, or copied by a peek.
    static kstd::ErrorOr<void> hand_files(Message& m, bool peek, PassedFiles& files);
    // Waits for data or the end (false: nothing will come).
    kstd::ErrorOr<bool> wait_for_data(int flags);
    void consumed(size_t bytes);

    State m_state { State::Fresh };
    UnixSocket* m_peer { nullptr };       // the other end of a connection or pair
    bool m_connected_by_name { false };   // a datagram socket's connect()
    UnixName m_target;                    // ... to this name
    bool m_peer_died { false };           // a connected datagram peer closed
    UnixName m_name;
    UnixName m_peer_name;                 // getpeername after the peer went
    bool m_embryo { false };              // connected, not yet accepted
    kstd::Vector<Message> m_incoming;
    size_t m_incoming_bytes { 0 };
    bool m_rcv_shutdown { false }, m_snd_shutdown { false };
    int m_backlog { 0 };
    kstd::Vector<kstd::RefPtr<UnixSocket>> m_pending; // connected, not yet accepted
    linux::ucred m_peer_cred { 0, 65534, 65534 };     // Linux's answer when unknown
    bool m_passcred { false };
    int m_last_receive_flags { 0 };
    DatagramSink m_sink { nullptr };
    void* m_sink_context { nullptr };
};

} // namespace husk
