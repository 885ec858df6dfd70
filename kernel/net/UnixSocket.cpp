#include "UnixSocket.h"
#include "../kstd/NeverDestroyed.h"
#include "../proc/Process.h"
#include "../vfs/Permissions.h"
#include "../vfs/Vfs.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
// Linux's defaults: net.core.wmem_default/rmem_default and
// net.unix.max_dgram_qlen (datagrams a receiver queues from senders it is
// not connected to).
constexpr uint32_t kDefaultBuffer = 212992;
constexpr size_t kMaxDatagramQueue = 10;
constexpr size_t kStreamChunk = 64 * 1024;

// Every bound socket (the kernel's AF_UNIX name table; a handful in practice).
kstd::Vector<UnixSocket*>& bound_sockets()
{
    static kstd::NeverDestroyed<kstd::Vector<UnixSocket*>> sockets;
    return sockets.get();
}

ucred current_cred()
{
    Process& p = Process::current();
    return ucred { int32_t(p.pid()), p.credentials().euid, p.credentials().egid };
}

// A received name for recvfrom/recvmsg: an unnamed sender gives length 0,
// as Linux leaves msg_namelen untouched at 0.
SocketAddress source_address(const UnixName& name)
{
    return name.is_named() ? name.to_socket_address() : SocketAddress {};
}
} // namespace

UnixSocket::UnixSocket(int type, int flags) : Socket(AF_UNIX, type, flags)
{
    m_sndbuf = kDefaultBuffer;
    m_rcvbuf = kDefaultBuffer;
}

ErrorOr<RefPtr<Socket>> UnixSocket::create(int type, int flags)
{
    auto* s = new UnixSocket(type, flags);
    if (!s)
        return err(ENOMEM);
    return RefPtr<Socket>::adopt(s);
}

ErrorOr<void> UnixSocket::create_pair(int type, int flags, RefPtr<Socket>& a, RefPtr<Socket>& b)
{
    a = TRY(create(type, flags));
    b = TRY(create(type, flags));
    link(*static_cast<UnixSocket*>(a.ptr()), *static_cast<UnixSocket*>(b.ptr()));
    return {};
}

void UnixSocket::link(UnixSocket& a, UnixSocket& b)
{
    a.m_peer = &b;
    b.m_peer = &a;
    a.m_state = b.m_state = State::Connected;
    a.m_peer_cred = b.m_peer_cred = current_cred();
}

UnixSocket::~UnixSocket()
{
    auto& names = bound_sockets();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == this) {
            names.remove(i);
            break;
        }
    }
    if (m_peer && m_peer->m_peer == this) {
        UnixSocket& p = *m_peer;
        p.m_peer = nullptr;
        p.m_peer_name = m_name;
        if (is_datagram()) {
            p.m_peer_died = true;
        } else {
            // The survivor's both directions end; data it sent and we never
            // read (or a connection never accepted) is a reset.
            p.m_rcv_shutdown = p.m_snd_shutdown = true;
            if (!m_incoming.is_empty() || m_embryo)
                p.m_error = ECONNRESET;
        }
        p.changed();
    }
    // Connections never accepted go with the listener (their clients see
    // ECONNRESET through the destructor above).
    m_pending.clear();
}

ErrorOr<RefPtr<UnixSocket>> UnixSocket::find_bound(const UnixName& name)
{
    UnixName wanted = name;
    if (!wanted.is_abstract()) {
        Process& p = Process::current();
        Resolved r = TRY(Vfs::resolve(p.path_context(), p.cwd(), kstd::StringView(name.path()), FollowLast));
        TRY(check_access(*r.vnode, p.credentials(), W_OK));
        if (!is_sock(r.vnode->mode()))
            return err(ECONNREFUSED);
        wanted.fs = &r.vnode->fs();
        wanted.ino = r.vnode->ino();
    }
    if (UnixSocket* s = bound_to(wanted))
        return RefPtr<UnixSocket>(s);
    return err(ECONNREFUSED);
}

UnixSocket* UnixSocket::bound_to(const UnixName& name)
{
    for (UnixSocket* s : bound_sockets())
        if (s->m_name.same(name))
            return s;
    return nullptr;
}

ErrorOr<void> UnixSocket::bind_path(UnixName& name)
{
    Process& p = Process::current();
    auto made = Vfs::mknod(p.path_context(), p.cwd(), kstd::StringView(name.path()), S_IFSOCK | 0777, 0);
    if (made.is_error() && made.error().code() == EEXIST)
        return err(EADDRINUSE);
    RefPtr<Vnode> node = TRY(kstd::move(made));
    name.fs = &node->fs();
    name.ino = node->ino();
    return {};
}

ErrorOr<void> UnixSocket::bind_node(Vnode& node, kstd::StringView path)
{
    UnixName name;
    if (m_name.is_named() || path.is_empty() || path.length() >= sizeof name.address.sun_path)
        return err(EINVAL);
    memcpy(name.address.sun_path, path.data(), path.length());
    name.length = uint32_t(sizeof name.address.sun_family + path.length() + 1);
    name.fs = &node.fs();
    name.ino = node.ino();
    if (!bound_sockets().append(this))
        return err(ENOMEM);
    m_name = name;
    return {};
}

ErrorOr<void> UnixSocket::bind(const SocketAddress& addr)
{
    UnixName name = TRY(UnixName::from(addr));
    if (m_name.is_named())
        return err(EINVAL);
    if (!name.is_named()) { // autobind
        static uint32_t serial = 0;
        do
            name = UnixName::autobind(++serial);
        while (bound_to(name));
    } else if (name.is_abstract()) {
        if (bound_to(name))
            return err(EADDRINUSE);
    } else {
        TRY(bind_path(name));
    }
    if (!bound_sockets().append(this))
        return err(ENOMEM);
    m_name = name;
    return {};
}

ErrorOr<void> UnixSocket::listen(int backlog)
{
    if (is_datagram())
        return err(EOPNOTSUPP);
    if (m_state == State::Connected || !m_name.is_named())
        return err(EINVAL);
    m_backlog = capped_backlog(backlog);
    m_state = State::Listening;
    m_waiters.wake_all(); // connectors waiting for room
    return {};
}

ErrorOr<RefPtr<Socket>> UnixSocket::accept(bool nonblocking)
{
    if (is_datagram())
        return err(EOPNOTSUPP);
    if (m_state != State::Listening)
        return err(EINVAL);
    while (m_pending.is_empty()) {
        if (nonblocking || is_nonblocking())
            return err(EAGAIN);
        TRY(sleep(false));
    }
    RefPtr<UnixSocket> s = m_pending[0];
    m_pending.remove(0);
    s->m_embryo = false;
    m_waiters.wake_all(); // a connector waiting for room in the backlog
    return RefPtr<Socket>(s.ptr());
}

ErrorOr<void> UnixSocket::connect(const SocketAddress& addr)
{
    if (is_datagram()) {
        if (addr.family() == AF_UNSPEC && addr.length >= sizeof(uint16_t)) { // dissolve the association
            m_connected_by_name = false;
            m_peer_died = false;
            m_state = m_peer ? State::Connected : State::Fresh;
            return {};
        }
        UnixName name = TRY(UnixName::from(addr));
        RefPtr<UnixSocket> target = TRY(find_bound(name));
        if (target->m_type != m_type)
            return err(EPROTOTYPE);
        m_connected_by_name = true;
        m_target = target->m_name;
        m_peer_died = false;
        m_state = State::Connected;
        return {};
    }
    if (m_state == State::Listening)
        return err(EINVAL);
    if (m_state == State::Connected)
        return err(EISCONN);
    UnixName name = TRY(UnixName::from(addr));
    RefPtr<UnixSocket> listener = TRY(find_bound(name));
    if (listener->m_type != m_type)
        return err(EPROTOTYPE);
    // Linux lets backlog+1 connections wait to be accepted.
    for (;;) {
        if (listener->m_state != State::Listening)
            return err(ECONNREFUSED);
        if (listener->m_pending.size() <= size_t(listener->m_backlog))
            break;
        if (is_nonblocking())
            return err(EAGAIN);
        TRY(sleep(true, listener->m_waiters));
    }
    auto* server = new UnixSocket(m_type, O_RDWR);
    if (!server)
        return err(ENOMEM);
    RefPtr<UnixSocket> s = RefPtr<UnixSocket>::adopt(server);
    if (!listener->m_pending.append(s))
        return err(ENOMEM);
    server->m_name = listener->m_name;
    server->m_name.fs = nullptr; // the accepted socket reports the name but is not bound to it
    server->m_embryo = true;
    link(*this, *server);
    listener->changed(POLLIN);
    return {};
}

ErrorOr<void> UnixSocket::shutdown(int how)
{
    if (how < SHUT_RD || how > SHUT_RDWR)
        return err(EINVAL);
    bool rd = how != SHUT_WR, wr = how != SHUT_RD;
    m_rcv_shutdown = m_rcv_shutdown || rd;
    m_snd_shutdown = m_snd_shutdown || wr;
    changed();
    if (m_peer && !is_datagram()) { // the peer's opposite directions end with ours
        m_peer->m_snd_shutdown = m_peer->m_snd_shutdown || rd;
        m_peer->m_rcv_shutdown = m_peer->m_rcv_shutdown || wr;
        m_peer->changed();
    }
    return {};
}

ErrorOr<SocketAddress> UnixSocket::local_address()
{
    return m_name.to_socket_address();
}

ErrorOr<SocketAddress> UnixSocket::peer_address()
{
    if (m_peer)
        return m_peer->m_name.to_socket_address();
    if (is_datagram() && m_connected_by_name)
        return m_target.to_socket_address();
    if (!is_datagram() && m_state == State::Connected) // the peer went; Linux still names it
        return m_peer_name.to_socket_address();
    return err(ENOTCONN);
}

bool UnixSocket::has_room_for(size_t bytes, const UnixSocket* sender) const
{
    if (m_incoming.is_empty())
        return true; // one record of any accepted size always fits
    if (is_datagram() && m_peer != sender && !(m_connected_by_name && sender && m_target.same(sender->m_name))
        && m_incoming.size() >= kMaxDatagramQueue)
        return false;
    uint32_t limit = sender ? sender->m_sndbuf : kDefaultBuffer;
    return m_incoming_bytes + bytes <= limit;
}

ErrorOr<void> UnixSocket::wait_for_room(UnixSocket& receiver, int flags)
{
    if ((flags & MSG_DONTWAIT) || is_nonblocking())
        return err(EAGAIN);
    // A connected peer wakes us as it reads; a receiver found by name wakes
    // its own queue.
    if (&receiver == m_peer)
        return sleep(true);
    return sleep(true, receiver.m_waiters);
}

ErrorOr<size_t> UnixSocket::send(IoBuffer buf, size_t n, int flags, const SocketAddress* to)
{
    return send_with_files(buf, n, flags, to, {});
}

ErrorOr<size_t> UnixSocket::send_with_files(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                            PassedFiles files)
{
    if (m_type == SOCK_STREAM) {
        if (to && to->length)
            return err(m_state == State::Connected ? EISCONN : EOPNOTSUPP);
        return send_stream(buf, n, flags, kstd::move(files));
    }
    return send_record(buf, n, flags, m_type == SOCK_SEQPACKET ? nullptr : to, kstd::move(files));
}

ErrorOr<size_t> UnixSocket::send_stream(IoBuffer buf, size_t n, int flags, PassedFiles files)
{
    if (m_state != State::Connected)
        return err(ENOTCONN);
    size_t sent = 0;
    while (sent < n || n == 0) {
        if (m_snd_shutdown || !m_peer) {
            if (sent)
                return sent;
            return err(EPIPE);
        }
        if (n == 0)
            return 0;
        UnixSocket& peer = *m_peer;
        size_t room = peer.m_incoming_bytes < m_sndbuf ? m_sndbuf - peer.m_incoming_bytes : 0;
        if (room == 0) {
            if (sent && ((flags & MSG_DONTWAIT) || is_nonblocking()))
                return sent;
            auto waited = wait_for_room(peer, flags);
            if (waited.is_error())
                return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(waited.error());
            continue;
        }
        size_t chunk = kstd::min(kstd::min(room, n - sent), kStreamChunk);
        Message m;
        if (!m.data.resize(chunk))
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(err(ENOMEM));
        auto copied = buf.read_into(m.data.data(), sent, chunk);
        if (copied.is_error())
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(copied.error());
        if (sent == 0)
            m.files = kstd::move(files); // they go with the first byte, as Linux's first skb
        if (!peer.m_incoming.append(kstd::move(m)))
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(err(ENOMEM));
        peer.m_incoming_bytes += chunk;
        sent += chunk;
        peer.changed(POLLIN);
    }
    return sent;
}

ErrorOr<size_t> UnixSocket::send_record(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                        PassedFiles files)
{
    RefPtr<UnixSocket> target;
    if (m_snd_shutdown)
        return err(EPIPE);
    if (to && to->length) {
        UnixName name = TRY(UnixName::from(*to));
        target = TRY(find_bound(name));
        if (target->m_type != m_type)
            return err(EPROTOTYPE);
        // A receiver connected to another socket takes nothing from us.
        bool ours = target->m_peer == this || (target->m_connected_by_name && target->m_target.same(m_name));
        if ((target->m_peer || target->m_connected_by_name) && !ours)
            return err(EPERM);
    } else if (m_type == SOCK_SEQPACKET) {
        if (m_state != State::Connected)
            return err(ENOTCONN);
    } else if (m_peer_died) {
        m_peer_died = false; // reported once; then the socket is unconnected
        m_state = State::Fresh;
        return err(ECONNREFUSED);
    } else if (!m_peer && !m_connected_by_name) {
        return err(ENOTCONN);
    }
    if (n > m_sndbuf - 32)
        return err(EMSGSIZE);
    Message m;
    if (!m.data.resize(n))
        return err(ENOMEM);
    if (n)
        TRY(buf.read_into(m.data.data(), 0, n));
    m.from = m_name;
    m.files = kstd::move(files);
    for (;;) {
        // Find the receiver again after each wait: it may have gone.
        UnixSocket* receiver = target.ptr();
        if (!receiver && m_connected_by_name) {
            auto found = find_bound(m_target);
            if (found.is_error())
                return err(ECONNREFUSED);
            target = found.release_value();
            receiver = target.ptr();
        }
        if (!receiver)
            receiver = m_peer;
        if (!receiver)
            return err(m_type == SOCK_SEQPACKET ? EPIPE : ECONNREFUSED);
        if (receiver->m_rcv_shutdown)
            return err(EPIPE);
        if (receiver->m_sink) {
            receiver->m_sink(receiver->m_sink_context, m.data.data(), n, current_cred());
            return n;
        }
        if (receiver->has_room_for(n, this)) {
            if (!receiver->m_incoming.append(kstd::move(m)))
                return err(ENOMEM);
            receiver->m_incoming_bytes += n;
            receiver->changed(POLLIN);
            return n;
        }
        TRY(wait_for_room(*receiver, flags));
        if (m_type == SOCK_SEQPACKET && !m_peer)
            return err(EPIPE);
    }
}

ErrorOr<bool> UnixSocket::wait_for_data(int flags)
{
    while (m_incoming.is_empty()) {
        if (m_error)
            return err(take_error());
        if (m_rcv_shutdown)
            return false;
        if ((flags & MSG_DONTWAIT) || is_nonblocking())
            return err(EAGAIN);
        TRY(sleep(false));
    }
    return true;
}

void UnixSocket::consumed(size_t bytes)
{
    m_incoming_bytes -= bytes;
    changed(POLLOUT); // senders by name wait on our queue
    if (m_peer)
        m_peer->changed(POLLOUT);
}

ErrorOr<size_t> UnixSocket::receive(IoBuffer buf, size_t n, int flags, SocketAddress* from)
{
    PassedFiles files; // a plain read closes what came along
    return receive_with_files(buf, n, flags, from, files);
}

ErrorOr<void> UnixSocket::hand_files(Message& m, bool peek, PassedFiles& files)
{
    if (!peek) {
        files = kstd::move(m.files);
        return {};
    }
    for (auto& f : m.files)
        if (!files.append(f))
            return err(ENOMEM);
    return {};
}

ErrorOr<size_t> UnixSocket::receive_with_files(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                               PassedFiles& files)
{
    m_last_receive_flags = 0;
    if (m_type == SOCK_STREAM) {
        if (m_state != State::Connected)
            return err(EINVAL);
        size_t got = TRY(receive_stream(buf, n, flags, files));
        if (from)
            *from = source_address(m_peer ? m_peer->m_name : UnixName());
        return got;
    }
    if (m_type == SOCK_SEQPACKET && m_state != State::Connected)
        return err(m_state == State::Listening ? EINVAL : ENOTCONN);
    return receive_record(buf, n, flags, from, files);
}

ErrorOr<size_t> UnixSocket::receive_stream(IoBuffer buf, size_t n, int flags, PassedFiles& files)
{
    if (n == 0)
        return 0;
    size_t got = 0;
    while (got < n) {
        auto more = wait_for_data(got ? (flags & MSG_WAITALL ? flags : flags | MSG_DONTWAIT) : flags);
        if (more.is_error() || !more.value()) {
            if (got)
                break;
            if (more.is_error())
                return more.error();
            return 0; // end of stream
        }
        size_t index = 0;
        bool peek = flags & MSG_PEEK;
        bool carried_files = false;
        while (got < n && index < m_incoming.size() && !carried_files) {
            Message& m = m_incoming[index];
            size_t k = kstd::min(m.data.size() - m.consumed, n - got);
            TRY(buf.write_from(got, m.data.data() + m.consumed, k));
            got += k;
            // Reading stops after a message that carried descriptors, so
            // that they reach the reader with their own bytes (Linux).
            carried_files = !m.files.is_empty();
            if (carried_files)
                TRY(hand_files(m, peek, files));
            if (peek) {
                ++index;
                continue;
            }
            m.consumed += k;
            consumed(k);
            if (m.consumed == m.data.size())
                m_incoming.remove(0);
        }
        if (peek || carried_files || !(flags & MSG_WAITALL))
            break;
    }
    return got;
}

ErrorOr<size_t> UnixSocket::receive_record(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                           PassedFiles& files)
{
    if (!TRY(wait_for_data(flags)))
        return 0;
    Message& m = m_incoming[0];
    size_t size = m.data.size();
    size_t k = kstd::min(size, n);
    if (k)
        TRY(buf.write_from(0, m.data.data(), k));
    if (from)
        *from = source_address(m.from);
    if (size > n)
        m_last_receive_flags = MSG_TRUNC;
    TRY(hand_files(m, flags & MSG_PEEK, files));
    if (!(flags & MSG_PEEK)) {
        m_incoming.remove(0);
        consumed(size);
    }
    return (flags & MSG_TRUNC) ? size : k;
}

ErrorOr<void> UnixSocket::set_option(int level, int name, const void* value, uint32_t length)
{
    if (level != SOL_SOCKET)
        return err(EOPNOTSUPP);
    if (name == SO_PASSCRED) {
        m_passcred = TRY(int_option(value, length)) != 0;
        return {};
    }
    if (TRY(set_common_option(level, name, value, length)))
        return {};
    return err(ENOPROTOOPT);
}

ErrorOr<uint32_t> UnixSocket::get_option(int level, int name, void* value, uint32_t room)
{
    if (level != SOL_SOCKET)
        return err(EOPNOTSUPP);
    int v;
    switch (name) {
    case SO_PEERCRED: return put_option(value, room, &m_peer_cred, sizeof m_peer_cred);
    case SO_PASSCRED: v = m_passcred; break;
    case SO_ACCEPTCONN: v = m_state == State::Listening; break;
    case SO_PROTOCOL: v = 0; break;
    default: {
        bool handled = false;
        uint32_t n = TRY(get_common_option(level, name, value, room, handled));
        if (!handled)
            return err(ENOPROTOOPT);
        return n;
    }
    }
    return put_option(value, room, &v, sizeof v);
}

ErrorOr<size_t> UnixSocket::unread_bytes()
{
    if (m_state == State::Listening)
        return err(EINVAL);
    // Stream and seqpacket: every unread byte; datagram: the next datagram.
    if (!is_datagram())
        return m_incoming_bytes;
    return m_incoming.is_empty() ? 0 : m_incoming[0].data.size();
}

short UnixSocket::poll_events()
{
    short ev = 0;
    if (m_state == State::Listening)
        return m_pending.is_empty() ? 0 : POLLIN | POLLRDNORM;
    if (m_error)
        ev |= POLLERR;
    if (m_rcv_shutdown)
        ev |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (m_rcv_shutdown && m_snd_shutdown)
        ev |= POLLHUP;
    if (!m_incoming.is_empty())
        ev |= POLLIN | POLLRDNORM;
    if (!is_datagram() && m_state == State::Fresh)
        ev |= POLLHUP; // a connection-based socket not connected (yet)
    // Writable while little of what we sent waits unread (Linux: a quarter
    // of the send buffer), and a datagram peer has room in its queue.
    bool writable = true;
    if (m_peer) {
        writable = size_t(m_peer->m_incoming_bytes) * 4 <= m_sndbuf;
        if (is_datagram() && m_peer->m_peer != this && !m_peer->has_room_for(1, this))
            writable = false;
    }
    if (writable)
        ev |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return ev;
}

} // namespace husk
