#include "TcpSocket.h"
#include "TransmitBatch.h"
#include "../abi/Linux.h"
#include "NetStack.h"
#include "PbufCopy.h"
#include "lwip/tcp.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
int errno_of(err_t e)
{
    switch (e) {
    case ERR_MEM:
    case ERR_BUF: return ENOMEM;
    case ERR_RTE: return ENETUNREACH;
    case ERR_USE: return EADDRINUSE;
    case ERR_ISCONN: return EISCONN;
    case ERR_ALREADY: return EALREADY;
    case ERR_CONN: return ENOTCONN;
    case ERR_ABRT: return ECONNABORTED;
    case ERR_RST: return ECONNRESET;
    case ERR_CLSD: return ENOTCONN;
    case ERR_TIMEOUT: return ETIMEDOUT;
    case ERR_VAL:
    case ERR_ARG: return EINVAL;
    default: return EIO;
    }
}
} // namespace

ErrorOr<RefPtr<Socket>> TcpSocket::create(int family, int flags)
{
    if (!NetStack::is_up())
        NetStack::init();
    tcp_pcb* pcb = tcp_new_ip_type(family == linux::AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (!pcb)
        return err(ENOBUFS);
    auto* s = new TcpSocket(family, flags, pcb, State::Fresh);
    if (!s) {
        tcp_abort(pcb);
        return err(ENOMEM);
    }
    s->attach_callbacks();
    return RefPtr<Socket>::adopt(s);
}

TcpSocket::TcpSocket(int family, int flags, tcp_pcb* pcb, State state)
    : Socket(family, linux::SOCK_STREAM, flags), m_pcb(pcb), m_state(state), m_options(family, true)
{
}

TcpSocket::~TcpSocket()
{
    TimerQueue::cancel(m_defer_timer);
    for (auto& pending : m_pending)
        static_cast<TcpSocket*>(pending.ptr())->m_listener = nullptr;
    m_pending.clear();
    bool unread = m_readable != 0;
    for (pbuf* p : m_received)
        pbuf_free(p);
    if (m_pcb) {
        tcp_pcb* pcb = m_pcb;
        detach_pcb();
        // Unread data or SO_LINGER with 0: reset, as Linux does; else FIN.
        bool reset = unread || (m_linger.l_onoff && m_linger.l_linger == 0);
        if (m_state == State::Listening)
            tcp_close(pcb);
        else if (reset || tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
        NetStack::deliver_loopback();
        NetStack::kick();
    }
}

void TcpSocket::attach_callbacks()
{
    tcp_arg(m_pcb, this);
    if (m_state == State::Listening) {
        tcp_accept(m_pcb, on_accept);
        return;
    }
    tcp_recv(m_pcb, on_receive);
    tcp_sent(m_pcb, on_sent);
    tcp_err(m_pcb, on_error);
}

// The pcb lives on in lwIP (closing) without us.
void TcpSocket::detach_pcb()
{
    tcp_arg(m_pcb, nullptr);
    if (m_state != State::Listening) {
        tcp_recv(m_pcb, nullptr);
        tcp_sent(m_pcb, nullptr);
        tcp_err(m_pcb, nullptr);
    } else {
        tcp_accept(m_pcb, nullptr);
    }
    m_pcb = nullptr;
}

ErrorOr<void> TcpSocket::bind(const SocketAddress& addr)
{
    InetAddress a = TRY(InetAddress::from(addr, m_family));
    if (!m_pcb || m_bound || m_state != State::Fresh)
        return err(EINVAL);
    // An IPv6 socket bound to :: takes IPv4 connections too, unless IPV6_V6ONLY.
    if (m_family == linux::AF_INET6 && ip_addr_isany(&a.ip) && !m_options.get(linux::IPPROTO_IPV6, linux::IPV6_V6ONLY))
        a.ip = *IP_ANY_TYPE;
    if (m_reuseaddr)
        ip_set_option(m_pcb, SOF_REUSEADDR);
    err_t e = tcp_bind(m_pcb, &a.ip, a.port);
    if (e == ERR_USE)
        return err(EADDRINUSE);
    if (e != ERR_OK)
        return err(e == ERR_VAL ? EADDRNOTAVAIL : errno_of(e));
    m_bound = true;
    return {};
}

ErrorOr<void> TcpSocket::listen(int backlog)
{
    if (m_state == State::Listening) {
        m_backlog = capped_backlog(backlog);
        return {};
    }
    if (m_state != State::Fresh || !m_pcb)
        return err(EINVAL);
    if (!m_bound) { // listen() without bind() takes an ephemeral port
        if (m_reuseaddr)
            ip_set_option(m_pcb, SOF_REUSEADDR);
        if (tcp_bind(m_pcb, m_family == linux::AF_INET ? IP4_ADDR_ANY : IP_ANY_TYPE, 0) != ERR_OK)
            return err(EADDRINUSE);
        m_bound = true;
    }
    m_backlog = capped_backlog(backlog);
    err_t e;
    tcp_pcb* listener = tcp_listen_with_backlog_and_err(m_pcb, 0xff, &e);
    if (!listener)
        return err(errno_of(e));
    m_pcb = listener; // the old pcb was freed by lwIP
    m_state = State::Listening;
    attach_callbacks();
    return {};
}

signed char TcpSocket::on_accept(void* arg, tcp_pcb* pcb, signed char error)
{
    auto* self = static_cast<TcpSocket*>(arg);
    if (!self || error != ERR_OK || !pcb)
        return ERR_VAL;
    // Linux lets backlog+1 connections wait to be accepted.
    if (self->m_pending.size() > size_t(self->m_backlog)) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    auto* s = new TcpSocket(self->m_family, linux::O_RDWR, pcb, State::Connected);
    if (!s || !self->m_pending.append(RefPtr<Socket>::adopt(s))) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    s->m_bound = true;
    s->m_listener = self;
    s->m_established_ns = husk_plat_clock_monotonic();
    // As on Linux, the connection inherits its listener's options.
    s->m_options = self->m_options;
    s->m_nodelay = self->m_nodelay;
    s->m_keepalive = self->m_keepalive;
    s->m_reuseaddr = self->m_reuseaddr;
    s->m_rcvbuf = self->m_rcvbuf;
    s->m_sndbuf = self->m_sndbuf;
    s->attach_callbacks();
    s->apply_options();
    self->changed();
    return ERR_OK;
}

bool TcpSocket::acceptable(const TcpSocket& c, uint64_t now) const
{
    int defer_s = m_options.get(linux::IPPROTO_TCP, linux::TCP_DEFER_ACCEPT);
    return defer_s == 0 || c.m_readable || c.m_peer_closed || c.m_state != State::Connected
           || now - c.m_established_ns >= uint64_t(defer_s) * 1000000000ull;
}

long TcpSocket::first_acceptable()
{
    uint64_t now = husk_plat_clock_monotonic();
    uint64_t earliest = UINT64_MAX;
    int defer_s = m_options.get(linux::IPPROTO_TCP, linux::TCP_DEFER_ACCEPT);
    for (size_t i = 0; i < m_pending.size(); ++i) {
        auto& c = *static_cast<TcpSocket*>(m_pending[i].ptr());
        if (acceptable(c, now))
            return long(i);
        earliest = kstd::min<uint64_t>(earliest, c.m_established_ns + uint64_t(defer_s) * 1000000000ull);
    }
    if (earliest != UINT64_MAX && (!m_defer_timer.is_armed() || m_defer_timer.deadline > earliest)) {
        TimerQueue::cancel(m_defer_timer);
        m_defer_timer.callback = defer_expired;
        m_defer_timer.arg = this;
        TimerQueue::arm(m_defer_timer, earliest);
    }
    return -1;
}

void TcpSocket::defer_expired(void* listener) { static_cast<TcpSocket*>(listener)->changed(linux::POLLIN); }

ErrorOr<RefPtr<Socket>> TcpSocket::accept(bool nonblocking)
{
    if (m_state != State::Listening)
        return err(EINVAL);
    long index;
    while ((index = first_acceptable()) < 0) {
        if (nonblocking || is_nonblocking())
            return err(EAGAIN);
        TRY(sleep(false));
    }
    RefPtr<Socket> s = m_pending[size_t(index)];
    m_pending.remove(size_t(index));
    static_cast<TcpSocket*>(s.ptr())->m_listener = nullptr;
    return s;
}

signed char TcpSocket::on_connected(void* arg, tcp_pcb*, signed char error)
{
    auto* self = static_cast<TcpSocket*>(arg);
    if (!self)
        return ERR_ABRT;
    self->m_state = error == ERR_OK ? State::Connected : State::Closed;
    if (error != ERR_OK)
        self->m_error = errno_of(error);
    self->changed();
    return ERR_OK;
}

ErrorOr<void> TcpSocket::connect(const SocketAddress& addr)
{
    InetAddress a = TRY(InetAddress::from(addr, m_family));
    switch (m_state) {
    case State::Connected: return err(EISCONN);
    case State::Connecting:
        if (is_nonblocking())
            return err(EALREADY);
        break; // a blocking connect a signal interrupted, made again (SA_RESTART): it waits on, as on Linux
    case State::Listening: return err(EISCONN);
    case State::Closed:
        if (int e = take_error()) // a failed nonblocking connect reports once
            return err(e);
        return err(m_peer_closed ? EISCONN : EINVAL);
    case State::Fresh: break;
    }
    if (m_state == State::Fresh) {
        if (!m_pcb)
            return err(EINVAL);
        a.any_means_loopback();
        err_t e = tcp_connect(m_pcb, &a.ip, a.port, on_connected);
        if (e != ERR_OK)
            return err(errno_of(e));
        m_bound = true;
        m_state = State::Connecting;
        NetStack::deliver_loopback();
        NetStack::kick();
        if (is_nonblocking())
            return err(EINPROGRESS);
    }
    while (m_state == State::Connecting)
        TRY(sleep(true));
    if (m_state != State::Connected) {
        int e = take_error();
        return err(e ? e : ECONNREFUSED);
    }
    return {};
}

signed char TcpSocket::on_receive(void* arg, tcp_pcb* pcb, pbuf* p, signed char error)
{
    auto* self = static_cast<TcpSocket*>(arg);
    if (!self) { // closed by the program: drop what still arrives
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (!p) {
        self->m_peer_closed = true;
    } else if (self->m_shut_read) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    } else if (self->m_received.append(p)) {
        self->m_readable += p->tot_len;
    } else {
        return ERR_MEM; // lwIP keeps p and offers it again later
    }
    self->changed(linux::POLLIN);
    if (self->m_listener) // deferred (TCP_DEFER_ACCEPT) until now
        self->m_listener->changed(linux::POLLIN);
    return ERR_OK;
}

signed char TcpSocket::on_sent(void* arg, tcp_pcb*, uint16_t)
{
    if (auto* self = static_cast<TcpSocket*>(arg))
        self->changed(linux::POLLOUT);
    return ERR_OK;
}

// The pcb is gone (reset, aborted, timed out).
void TcpSocket::on_error(void* arg, signed char error)
{
    auto* self = static_cast<TcpSocket*>(arg);
    if (!self)
        return;
    self->m_pcb = nullptr;
    self->m_error = self->m_state == State::Connecting && error == ERR_RST ? ECONNREFUSED : errno_of(error);
    self->m_state = State::Closed;
    self->changed();
    if (self->m_listener)
        self->m_listener->changed(linux::POLLIN);
}

ErrorOr<size_t> TcpSocket::receive(IoBuffer buf, size_t n, int flags, SocketAddress*)
{
    if (m_state == State::Listening || m_state == State::Fresh)
        return err(ENOTCONN);
    while (!m_readable) {
        if (m_peer_closed || m_shut_read || n == 0)
            return 0;
        if (m_state == State::Closed) {
            int e = take_error();
            return e ? ErrorOr<size_t>(err(e)) : ErrorOr<size_t>(size_t(0));
        }
        if (is_nonblocking() || (flags & linux::MSG_DONTWAIT))
            return err(EAGAIN);
        TRY(sleep(false)); // connected, or still connecting
    }
    size_t want = kstd::min(n, m_readable);
    size_t done = 0;
    size_t index = 0, offset = m_consumed;
    while (done < want) {
        pbuf* p = m_received[index];
        size_t k = kstd::min(want - done, size_t(p->tot_len) - offset);
        TRY(copy_from_pbuf(buf, done, p, offset, k));
        done += k;
        offset += k;
        if (offset == p->tot_len) {
            ++index;
            offset = 0;
        }
    }
    if (!(flags & linux::MSG_PEEK)) {
        for (size_t i = 0; i < index; ++i) {
            pbuf_free(m_received[0]);
            m_received.remove(0);
        }
        m_consumed = offset;
        m_readable -= done;
        if (m_pcb)
            for (size_t left = done; left;) {
                uint16_t k = uint16_t(left > 0xffff ? 0xffff : left);
                tcp_recved(m_pcb, k);
                left -= k;
            }
        NetStack::deliver_loopback();
        NetStack::kick();
    }
    return done;
}

// A nonblocking send stops (EAGAIN, or the count so far); a blocking one
// sleeps until acknowledgements free room or SO_SNDTIMEO passes.
ErrorOr<void> TcpSocket::wait_for_room(int flags)
{
    if (is_nonblocking() || (flags & linux::MSG_DONTWAIT))
        return err(EAGAIN);
    return sleep(true);
}

void TcpSocket::output()
{
    TransmitBatch batch;
    tcp_output(m_pcb);
}

ErrorOr<size_t> TcpSocket::send(IoBuffer buf, size_t n, int flags, const SocketAddress*)
{
    return queue_data(buf, n, flags, true);
}

ErrorOr<size_t> TcpSocket::take(const uint8_t* data, size_t n)
{
    return queue_data(IoBuffer::kernel(const_cast<uint8_t*>(data)), n, linux::MSG_DONTWAIT, false);
}

void TcpSocket::push()
{
    if (!m_pcb || m_state != State::Connected)
        return;
    output();
    NetStack::deliver_loopback();
    NetStack::kick();
}

ErrorOr<size_t> TcpSocket::queue_data(IoBuffer buf, size_t n, int flags, bool pushing)
{
    if (m_state == State::Fresh || m_state == State::Listening)
        return err(EPIPE); // Linux: a stream that never connected is a broken pipe
    size_t done = 0;
    uint8_t chunk[8192];
    while (done < n || n == 0) {
        if (m_shut_write)
            return done ? ErrorOr<size_t>(done) : err(EPIPE);
        if (m_state == State::Closed || !m_pcb) {
            if (done)
                return done;
            int e = take_error();
            return err(e ? e : EPIPE);
        }
        if (n == 0)
            return 0;
        size_t room = m_state == State::Connected ? tcp_sndbuf(m_pcb) : 0;
        if (room == 0) {
            if (auto r = wait_for_room(flags); r.is_error())
                return done ? ErrorOr<size_t>(done) : r.error();
            continue;
        }
        // lwIP copies into its segments: kernel memory (sendfile's) goes
        // straight in, user memory through a chunk that can fail with EFAULT.
        const uint8_t* kernel = buf.kernel_memory();
        size_t k = kstd::min(n - done, kstd::min(room, kernel ? size_t(0xffff) : sizeof chunk));
        const uint8_t* from = kernel ? kernel + done : chunk;
        if (!kernel)
            TRY(buf.read_into(chunk, done, k));
        err_t e = tcp_write(m_pcb, from, uint16_t(k), TCP_WRITE_FLAG_COPY | (done + k < n ? TCP_WRITE_FLAG_MORE : 0));
        if (e == ERR_MEM) { // out of segments: send what is queued, wait for acknowledgements
            output();
            NetStack::deliver_loopback();
            NetStack::kick();
            if (auto r = wait_for_room(flags); r.is_error())
                return done ? ErrorOr<size_t>(done) : r.error();
            continue;
        }
        if (e != ERR_OK)
            return done ? ErrorOr<size_t>(done) : err(errno_of(e));
        done += k;
        if ((done == n && pushing) || tcp_sndbuf(m_pcb) == 0) {
            output();
            NetStack::deliver_loopback();
            NetStack::kick();
        }
    }
    return done;
}

ErrorOr<void> TcpSocket::shutdown(int how)
{
    if (how < linux::SHUT_RD || how > linux::SHUT_RDWR)
        return err(EINVAL);
    if (m_state != State::Connected && m_state != State::Connecting)
        return err(ENOTCONN);
    bool rd = how != linux::SHUT_WR, wr = how != linux::SHUT_RD;
    if (rd)
        m_shut_read = true;
    if (wr && !m_shut_write) {
        m_shut_write = true;
        if (m_pcb)
            tcp_shutdown(m_pcb, 0, 1);
        NetStack::deliver_loopback();
        NetStack::kick();
    }
    changed();
    return {};
}

ErrorOr<SocketAddress> TcpSocket::local_address()
{
    InetAddress a {};
    if (m_pcb) {
        a.ip = m_pcb->local_ip;
        a.port = m_pcb->local_port;
    }
    return a.to_socket_address(m_family);
}

ErrorOr<SocketAddress> TcpSocket::peer_address()
{
    if (m_state != State::Connected || !m_pcb)
        return err(ENOTCONN);
    InetAddress a {};
    a.ip = m_pcb->remote_ip;
    a.port = m_pcb->remote_port;
    return a.to_socket_address(m_family);
}

InetOptions::State TcpSocket::option_state() const
{
    switch (m_state) {
    case State::Fresh: return InetOptions::State::Closed;
    case State::Listening: return InetOptions::State::Listening;
    default: return InetOptions::State::Connected;
    }
}

void TcpSocket::apply_options()
{
    if (!m_pcb || m_state == State::Listening)
        return; // a listening pcb has no such fields; connections get them at accept
    if (m_nodelay)
        tcp_nagle_disable(m_pcb);
    else
        tcp_nagle_enable(m_pcb);
    if (m_keepalive)
        ip_set_option(m_pcb, SOF_KEEPALIVE);
    else
        ip_reset_option(m_pcb, SOF_KEEPALIVE);
    m_pcb->keep_idle = uint32_t(m_options.get(linux::IPPROTO_TCP, linux::TCP_KEEPIDLE)) * 1000;
    m_pcb->keep_intvl = uint32_t(m_options.get(linux::IPPROTO_TCP, linux::TCP_KEEPINTVL)) * 1000;
    m_pcb->keep_cnt = uint32_t(m_options.get(linux::IPPROTO_TCP, linux::TCP_KEEPCNT));
    if (m_family == linux::AF_INET) {
        m_pcb->tos = uint8_t(m_options.get(linux::IPPROTO_IP, linux::IP_TOS));
        m_pcb->ttl = uint8_t(m_options.get(linux::IPPROTO_IP, linux::IP_TTL));
    } else {
        m_pcb->tos = uint8_t(m_options.get(linux::IPPROTO_IPV6, linux::IPV6_TCLASS));
        m_pcb->ttl = uint8_t(m_options.get(linux::IPPROTO_IPV6, linux::IPV6_UNICAST_HOPS));
    }
}

ErrorOr<void> TcpSocket::set_option(int level, int name, const void* value, uint32_t length)
{
    if (level == linux::IPPROTO_TCP && (name == linux::TCP_NODELAY || name == linux::TCP_CORK)) {
        int v = TRY(int_option(value, length));
        if (name == linux::TCP_NODELAY) {
            m_nodelay = v != 0;
        } else {
            if (m_cork && !v && m_pcb && m_state == State::Connected)
                tcp_output(m_pcb);
            m_cork = v != 0;
            return {};
        }
    } else if (m_options.has(level, name)) {
        // IPV6_V6ONLY decides what bind takes: too late once bound.
        if (level == linux::IPPROTO_IPV6 && name == linux::IPV6_V6ONLY && m_bound)
            return err(EINVAL);
        TRY(m_options.set(level, name, value, length, option_state()));
    } else if (level == linux::IPPROTO_TCP) {
        return err(ENOPROTOOPT);
    } else {
        TRY(Socket::set_option(level, name, value, length));
    }
    apply_options();
    return {};
}

ErrorOr<uint32_t> TcpSocket::get_option(int level, int name, void* value, uint32_t room)
{
    int v;
    if (level == linux::IPPROTO_TCP && name == linux::TCP_NODELAY)
        v = m_nodelay;
    else if (level == linux::IPPROTO_TCP && name == linux::TCP_CORK)
        v = m_cork;
    else if (level == linux::SOL_SOCKET && name == linux::SO_ACCEPTCONN)
        v = m_state == State::Listening;
    else if (level == linux::IPPROTO_TCP && name == linux::TCP_MAXSEG && m_state == State::Connected && m_pcb)
        v = m_pcb->mss; // the connection's own, as Linux's mss_cache
    else if (m_options.has(level, name))
        v = m_options.get(level, name);
    else
        return Socket::get_option(level, name, value, room);
    return put_option(value, room, &v, sizeof v);
}

ErrorOr<size_t> TcpSocket::unread_bytes()
{
    if (m_state == State::Listening)
        return err(EINVAL);
    return m_readable;
}

short TcpSocket::poll_events()
{
    short ev = 0;
    if (m_state == State::Listening)
        return first_acceptable() < 0 ? 0 : linux::POLLIN;
    if (m_readable || m_peer_closed || m_shut_read)
        ev |= linux::POLLIN | linux::POLLRDNORM;
    if (m_peer_closed || m_shut_read)
        ev |= linux::POLLRDHUP;
    // Writable once a good part of the buffer and of the segment queue is
    // free (lwIP's own socket layer's thresholds; Linux's are similar): a
    // send then makes progress instead of failing with EAGAIN at once.
    if (m_state == State::Connected && m_pcb && !m_shut_write && tcp_sndbuf(m_pcb) > TCP_SNDLOWAT
        && tcp_sndqueuelen(m_pcb) < TCP_SNDQUEUELOWAT)
        ev |= linux::POLLOUT | linux::POLLWRNORM;
    if (m_state == State::Closed) {
        ev |= linux::POLLIN | linux::POLLOUT | linux::POLLHUP;
        if (m_error)
            ev |= linux::POLLERR;
    }
    if (m_peer_closed && m_shut_write)
        ev |= linux::POLLHUP;
    if (m_state == State::Fresh)
        ev |= linux::POLLOUT | linux::POLLHUP;
    return ev;
}

} // namespace husk
