#include "Socket.h"
#include <husk/platform.h>
#include "../vfs/ByteSink.h"
#include "../vfs/FileCopy.h"
#include "../vfs/PollHub.h"
#include "Inet.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<void> Socket::bind(const SocketAddress&) { return err(EOPNOTSUPP); }
ErrorOr<void> Socket::listen(int) { return err(EOPNOTSUPP); }
ErrorOr<kstd::RefPtr<Socket>> Socket::accept(bool) { return err(EOPNOTSUPP); }
ErrorOr<void> Socket::connect(const SocketAddress&) { return err(EOPNOTSUPP); }
ErrorOr<void> Socket::shutdown(int) { return err(EOPNOTSUPP); }
ErrorOr<SocketAddress> Socket::local_address() { return err(EOPNOTSUPP); }
ErrorOr<SocketAddress> Socket::peer_address() { return err(ENOTCONN); }
ErrorOr<size_t> Socket::send(IoBuffer, size_t, int, const SocketAddress*) { return err(EOPNOTSUPP); }
ErrorOr<size_t> Socket::receive(IoBuffer, size_t, int, SocketAddress*) { return err(EOPNOTSUPP); }

ErrorOr<size_t> Socket::send_with_files(IoBuffer buf, size_t n, int flags, const SocketAddress* to, PassedFiles files)
{
    if (!files.is_empty())
        return err(EINVAL);
    return send(buf, n, flags, to);
}

ErrorOr<size_t> Socket::receive_with_files(IoBuffer buf, size_t n, int flags, SocketAddress* from, PassedFiles&)
{
    return receive(buf, n, flags, from);
}

ErrorOr<size_t> Socket::send_with_ancillary(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                            const AncillaryList&)
{
    return send(buf, n, flags, to);
}

ErrorOr<size_t> Socket::receive_with_ancillary(IoBuffer buf, size_t n, int flags, SocketAddress* from, AncillaryList&)
{
    return receive(buf, n, flags, from);
}

ErrorOr<size_t> Socket::take(const uint8_t* data, size_t n)
{
    return send(IoBuffer::kernel(const_cast<uint8_t*>(data)), n, linux::MSG_DONTWAIT, nullptr);
}

ErrorOr<size_t> Socket::send_from(File& in, int64_t position, size_t count)
{
    if (m_type != linux::SOCK_STREAM || !in.vnode() || !in.vnode()->is_regular())
        return File::send_from(in, position, count);
    // Reads at explicit positions; moves in's own offset itself at the end.
    bool own_offset = position == kOwnOffset;
    if (own_offset)
        position = int64_t(TRY(in.seek(0, linux::SEEK_CUR)));
    FileCopy copy(in, *this, position);
    // take() as the sink's consumer: a full socket takes 0; another failure
    // is kept to be reported.
    struct Feed {
        Socket* socket;
        ErrorOr<void> failure;
    } feed { this, {} };
    auto feed_socket = [](void* context, const uint8_t* data, size_t n) -> size_t {
        auto* f = static_cast<Feed*>(context);
        auto took = f->socket->take(data, n);
        if (took.is_error()) {
            if (took.error().code() != EAGAIN)
                f->failure = took.error();
            return 0;
        }
        return took.value();
    };
    while (copy.done < count) {
        size_t want = kstd::min(FileCopy::kChunk, count - copy.done);
        ByteSink sink(feed_socket, &feed);
        auto got = in.pread(IoBuffer::sink(sink), want, uint64_t(position) + copy.done);
        push(); // the chunk's pieces leave together
        copy.done += sink.taken();
        if (feed.failure.is_error()) {
            copy.failure = feed.failure.error();
            break;
        }
        if (sink.taken() == want)
            continue;
        if (!sink.full()) { // the end of the file, or a failed read
            if (got.is_error())
                copy.failure = got.error();
            break;
        }
        if (is_nonblocking()) {
            if (copy.done == 0)
                copy.failure = err(EAGAIN);
            break;
        }
        // A full blocking socket: this chunk through the buffer, whose
        // write waits for room.
        if (!copy.chunk(kstd::min(FileCopy::kChunk, count - copy.done)))
            break;
    }
    if (own_offset)
        (void)in.seek(position + int64_t(copy.done), linux::SEEK_SET);
    return copy.result();
}

ErrorOr<void> Socket::set_option(int level, int name, const void* value, uint32_t length)
{
    if (TRY(set_common_option(level, name, value, length)))
        return {};
    return err(ENOPROTOOPT);
}

ErrorOr<uint32_t> Socket::get_option(int level, int name, void* value, uint32_t room)
{
    bool handled = false;
    uint32_t n = TRY(get_common_option(level, name, value, room, handled));
    if (handled)
        return n;
    // Linux: an unknown option is ENOPROTOOPT. A level an IPv4 socket's
    // protocol does not know goes down to IPv4's, which says EOPNOTSUPP
    // (TCP_* on UDP, IPV6_* on IPv4); IPv6's says ENOPROTOOPT to any.
    if (level == linux::SOL_SOCKET || m_family == linux::AF_INET6)
        return err(ENOPROTOOPT);
    if (m_family == linux::AF_INET) {
        int own = m_type == linux::SOCK_STREAM ? linux::IPPROTO_TCP : linux::IPPROTO_UDP;
        return err(level == linux::IPPROTO_IP || level == own ? ENOPROTOOPT : EOPNOTSUPP);
    }
    return err(level == linux::IPPROTO_TCP || level == linux::IPPROTO_IP || level == linux::IPPROTO_IPV6
                       || level == linux::IPPROTO_UDP
                   ? ENOPROTOOPT
                   : EOPNOTSUPP);
}

ErrorOr<size_t> Socket::read(IoBuffer buf, size_t n) { return receive(buf, n, 0, nullptr); }
ErrorOr<size_t> Socket::write(IoBuffer buf, size_t n) { return send(buf, n, 0, nullptr); }
ErrorOr<size_t> Socket::pread(IoBuffer, size_t, uint64_t) { return err(ESPIPE); }
ErrorOr<size_t> Socket::pwrite(IoBuffer, size_t, uint64_t) { return err(ESPIPE); }
ErrorOr<uint64_t> Socket::seek(int64_t, int) { return err(ESPIPE); }

ErrorOr<void> Socket::stat(linux::stat& out)
{
    out = {};
    out.st_mode = linux::S_IFSOCK | 0777;
    out.st_nlink = 1;
    out.st_blksize = 4096;
    return {};
}

void Socket::changed(short which)
{
    m_waiters.wake_all();
    PollHub::notify(m_generation, which);
}

ErrorOr<void> Socket::sleep(bool sending) { return sleep(sending, m_waiters); }

ErrorOr<void> Socket::sleep(bool sending, WaitQueue& queue)
{
    uint64_t timeout = sending ? m_sndtimeo_ns : m_rcvtimeo_ns;
    uint64_t deadline = timeout ? husk_plat_clock_monotonic() + timeout : UINT64_MAX;
    switch (queue.wait_interruptible(deadline)) {
    case WaitQueue::Result::TimedOut:
        return err(EAGAIN);
    case WaitQueue::Result::Interrupted:
        // Linux's sock_intr_errno: with a timeout, EINTR even under
        // SA_RESTART (signal(7)).
        return err(timeout ? EINTR : ERESTARTSYS);
    case WaitQueue::Result::Woken:
        break;
    }
    return {};
}

ErrorOr<int> Socket::int_option(const void* value, uint32_t length)
{
    if (length < sizeof(int))
        return err(EINVAL);
    int v;
    memcpy(&v, value, sizeof v);
    return v;
}

uint32_t Socket::put_option(void* value, uint32_t room, const void* src, uint32_t size)
{
    uint32_t n = room < size ? room : size;
    memcpy(value, src, n);
    return n;
}

int Socket::take_error()
{
    int e = m_error;
    m_error = 0;
    return e;
}

ErrorOr<long> Socket::ioctl(unsigned long request, IoBuffer arg)
{
    if (InterfaceTable::handles(request)) {
        const InetOperations* inet = Inet::operations();
        return inet ? inet->interface_ioctl(request, arg) : ErrorOr<long>(err(ENOTTY));
    }
    if (request != linux::FIONREAD)
        return err(ENOTTY);
    int n = int(TRY(unread_bytes()));
    TRY(arg.write_from(0, &n, sizeof n));
    return 0;
}

ErrorOr<bool> Socket::set_common_option(int level, int name, const void* value, uint32_t length)
{
    if (level != linux::SOL_SOCKET)
        return false;
    switch (name) {
    case linux::SO_REUSEADDR: m_reuseaddr = TRY(int_option(value, length)) != 0; return true;
    case linux::SO_REUSEPORT: m_reuseport = TRY(int_option(value, length)) != 0; return true;
    case linux::SO_KEEPALIVE: m_keepalive = TRY(int_option(value, length)) != 0; return true;
    case linux::SO_BROADCAST: m_broadcast = TRY(int_option(value, length)) != 0; return true;
    // Recorded and reported, as Linux does; Husk routes and queues alike
    // whatever they say.
    case linux::SO_DONTROUTE: m_dontroute = TRY(int_option(value, length)) != 0; return true;
    case linux::SO_OOBINLINE: m_oobinline = TRY(int_option(value, length)) != 0; return true;
    case linux::SO_PRIORITY: m_priority = TRY(int_option(value, length)); return true;
    case linux::SO_RCVLOWAT: {
        int v = TRY(int_option(value, length));
        m_rcvlowat = v < 0 ? 0x7fffffff : v;
        return true;
    }
    case linux::SO_SNDLOWAT: return err(ENOPROTOOPT); // fixed at 1 on Linux
    case linux::SO_RCVBUF:
    case linux::SO_SNDBUF: {
        // Linux doubles the request (bookkeeping overhead) within its limits
        // (SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, the default rmem_max/wmem_max).
        int v = TRY(int_option(value, length));
        uint32_t least = name == linux::SO_RCVBUF ? 2304u : 4608u;
        uint32_t size = v < 0 || uint32_t(v) * 2 < least ? least : v > 212992 ? 425984u : uint32_t(v) * 2;
        (name == linux::SO_RCVBUF ? m_rcvbuf : m_sndbuf) = size;
        return true;
    }
    case linux::SO_RCVTIMEO:
    case linux::SO_SNDTIMEO: {
        if (length < sizeof(linux::timeval))
            return err(EINVAL);
        linux::timeval tv;
        memcpy(&tv, value, sizeof tv);
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return err(EDOM);
        uint64_t ns = tv.tv_sec < 0 ? 0 : uint64_t(tv.tv_sec) * 1000000000 + uint64_t(tv.tv_usec) * 1000;
        (name == linux::SO_RCVTIMEO ? m_rcvtimeo_ns : m_sndtimeo_ns) = ns;
        return true;
    }
    case linux::SO_LINGER:
        if (length < sizeof(linux::linger))
            return err(EINVAL);
        memcpy(&m_linger, value, sizeof m_linger);
        m_linger.l_onoff = m_linger.l_onoff != 0;
        return true;
    default:
        return false;
    }
}

ErrorOr<uint32_t> Socket::get_common_option(int level, int name, void* value, uint32_t room, bool& handled)
{
    handled = level == linux::SOL_SOCKET;
    if (!handled)
        return 0;
    int v;
    switch (name) {
    case linux::SO_REUSEADDR: v = m_reuseaddr; break;
    case linux::SO_REUSEPORT: v = m_reuseport; break;
    case linux::SO_KEEPALIVE: v = m_keepalive; break;
    case linux::SO_BROADCAST: v = m_broadcast; break;
    case linux::SO_DONTROUTE: v = m_dontroute; break;
    case linux::SO_OOBINLINE: v = m_oobinline; break;
    case linux::SO_PRIORITY: v = m_priority; break;
    case linux::SO_RCVLOWAT: v = m_rcvlowat; break;
    case linux::SO_SNDLOWAT: v = 1; break;
    case linux::SO_RCVBUF: v = int(m_rcvbuf); break;
    case linux::SO_SNDBUF: v = int(m_sndbuf); break;
    case linux::SO_TYPE: v = m_type; break;
    case linux::SO_ERROR: v = take_error(); break;
    case linux::SO_DOMAIN: v = m_family; break;
    case linux::SO_PROTOCOL: v = m_type == linux::SOCK_STREAM ? linux::IPPROTO_TCP : linux::IPPROTO_UDP; break;
    case linux::SO_RCVTIMEO:
    case linux::SO_SNDTIMEO: {
        uint64_t ns = name == linux::SO_RCVTIMEO ? m_rcvtimeo_ns : m_sndtimeo_ns;
        linux::timeval tv { int64_t(ns / 1000000000), int64_t(ns % 1000000000 / 1000) };
        return put_option(value, room, &tv, sizeof tv);
    }
    case linux::SO_LINGER: return put_option(value, room, &m_linger, sizeof m_linger);
    default:
        handled = false;
        return 0;
    }
    return put_option(value, room, &v, sizeof v);
}

} // namespace husk
