// socket, bind, listen, accept, connect, send/recv families, shutdown,
// socket options: the BSD socket calls over kernel/net.
#include "../core/Log.h"
#include "../net/Inet.h"
#include "../net/NetlinkSocket.h"
#include "../net/UnixSocket.h"
#include "../abi/Netlink.h"
#include "ControlMessages.h"
#include "Handlers.h"
#include "Helpers.h"
#include "SocketAddressCopy.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
ErrorOr<RefPtr<Socket>> socket_of(int fd)
{
    RefPtr<File> f = TRY(Process::current().fds().get(fd));
    if (!f->is_socket())
        return err(ENOTSOCK);
    return RefPtr<Socket>(static_cast<Socket*>(f.ptr()));
}

// A msghdr's iovecs: the protocols see them as one buffer.
ErrorOr<size_t> message_iovecs(const msghdr& m, kstd::Vector<iovec>& iov)
{
    if (m.msg_iovlen > IOV_MAX)
        return err(EMSGSIZE);
    uint64_t total = TRY(copy_in_iovecs(UserPtr<const iovec>(m.msg_iov), size_t(m.msg_iovlen), iov));
    return size_t(kstd::min<uint64_t>(total, 0x7ffff000));
}

// A socket type's flag bits as the file's status flags (EINVAL for unknown bits).
ErrorOr<int> status_flags_of(int type)
{
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return err(EINVAL);
    return O_RDWR | ((type & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
}

// AF_UNIX's types (SOCK_RAW is taken as SOCK_DGRAM, as Linux does) and
// protocols (0 or PF_UNIX).
ErrorOr<int> unix_type(int kind, int protocol)
{
    if (protocol != 0 && protocol != AF_UNIX)
        return err(EPROTONOSUPPORT);
    if (kind == SOCK_RAW)
        return SOCK_DGRAM;
    if (kind != SOCK_STREAM && kind != SOCK_DGRAM && kind != SOCK_SEQPACKET)
        return err(ESOCKTNOSUPPORT);
    return kind;
}
} // namespace

SysResult sys_socket(int domain, int type, int protocol)
{
    int kind = type & SOCK_TYPE_MASK;
    int flags = TRY(status_flags_of(type));
    if (domain != AF_INET && domain != AF_INET6 && domain != AF_UNIX && domain != AF_NETLINK)
        return err(EAFNOSUPPORT);
    RefPtr<Socket> s;
    if (domain == AF_NETLINK) {
        s = TRY(NetlinkSocket::create(kind, protocol, flags));
    } else if (domain == AF_UNIX) {
        s = TRY(UnixSocket::create(TRY(unix_type(kind, protocol)), flags));
    } else if (const InetOperations* inet = Inet::operations()) {
        s = TRY(inet->create_socket(domain, kind, protocol, flags));
    } else {
        return err(EAFNOSUPPORT); // a kernel linked without TCP/IP, as Linux without CONFIG_INET
    }
    return TRY(Process::current().fds().allocate(RefPtr<File>(s.ptr()), type & SOCK_CLOEXEC));
}

SysResult sys_bind(int fd, UserPtr<const void> addr, uint32_t length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    TRY(s->bind(TRY(copy_in_address(addr, length))));
    return 0;
}

SysResult sys_listen(int fd, int backlog)
{
    TRY(TRY(socket_of(fd))->listen(backlog));
    return 0;
}

SysResult sys_accept4(int fd, UserPtr<void> addr, UserPtr<uint32_t> length, int flags)
{
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return err(EINVAL);
    RefPtr<Socket> listener = TRY(socket_of(fd));
    RefPtr<Socket> s = TRY(listener->accept(false));
    if (flags & SOCK_NONBLOCK)
        s->set_status_flags(s->status_flags() | O_NONBLOCK);
    if (!addr.is_null())
        TRY(copy_out_address(TRY(s->peer_address()), addr, length));
    return TRY(Process::current().fds().allocate(RefPtr<File>(s.ptr()), flags & SOCK_CLOEXEC));
}

SysResult sys_accept(int fd, UserPtr<void> addr, UserPtr<uint32_t> length) { return sys_accept4(fd, addr, length, 0); }

SysResult sys_connect(int fd, UserPtr<const void> addr, uint32_t length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    TRY(s->connect(TRY(copy_in_address(addr, length))));
    return 0;
}

SysResult sys_shutdown(int fd, int how)
{
    TRY(TRY(socket_of(fd))->shutdown(how));
    return 0;
}

SysResult sys_getsockname(int fd, UserPtr<void> addr, UserPtr<uint32_t> length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    TRY(copy_out_address(TRY(s->local_address()), addr, length));
    return 0;
}

SysResult sys_getpeername(int fd, UserPtr<void> addr, UserPtr<uint32_t> length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    TRY(copy_out_address(TRY(s->peer_address()), addr, length));
    return 0;
}

SysResult sys_sendto(int fd, UserPtr<const void> buf, size_t n, int flags, UserPtr<const void> to, uint32_t to_length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    SocketAddress dest;
    const SocketAddress* addressed = nullptr;
    if (!to.is_null()) {
        dest = TRY(copy_in_address(to, to_length));
        addressed = &dest;
    }
    return with_sigpipe(*s, s->send(buf.buffer(), kstd::min(n, size_t(0x7ffff000)), flags, addressed), flags);
}

SysResult sys_recvfrom(int fd, UserPtr<void> buf, size_t n, int flags, UserPtr<void> from, UserPtr<uint32_t> from_length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    SocketAddress source; // empty unless the protocol names the sender
    SocketAddress* wanted = from.is_null() ? nullptr : &source;
    size_t got = TRY(s->receive(buf.buffer(), kstd::min(n, size_t(0x7ffff000)), flags, wanted));
    if (!from.is_null())
        TRY(copy_out_address(source, from, from_length));
    return long(got);
}

SysResult sys_sendmsg(int fd, UserPtr<const linux::msghdr> msg, int flags)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    linux::msghdr m = TRY(copy_in(msg));
    SocketAddress dest = TRY(copy_in_message_address(m.msg_name, m.msg_namelen));
    kstd::Vector<iovec> iov;
    size_t total = TRY(message_iovecs(m, iov));
    // Descriptors to pass (SCM_RIGHTS), on AF_UNIX sockets; other families
    // take no control messages here.
    Socket::PassedFiles files;
    if (s->family() == AF_UNIX)
        files = TRY(copy_in_rights(m, Process::current().fds()));
    // IP_PKTINFO and friends on Internet sockets.
    bool inet = s->family() == AF_INET || s->family() == AF_INET6;
    Socket::AncillaryList control;
    if (inet)
        control = TRY(copy_in_ancillary(m));
    kstd::Vector<uint8_t> data;
    if (!data.resize(total))
        return err(ENOMEM);
    size_t at = 0;
    for (auto& v : iov) {
        size_t k = kstd::min(size_t(v.iov_len), total - at);
        if (k)
            TRY(IoBuffer::user(uintptr_t(v.iov_base)).read_into(data.data() + at, 0, k));
        at += k;
    }
    if (inet)
        return with_sigpipe(*s,
                            s->send_with_ancillary(IoBuffer::kernel(data.data()), total, flags,
                                                   dest.length ? &dest : nullptr, control),
                            flags);
    return with_sigpipe(*s,
                        s->send_with_files(IoBuffer::kernel(data.data()), total, flags, dest.length ? &dest : nullptr,
                                           kstd::move(files)),
                        flags);
}

SysResult sys_recvmsg(int fd, UserPtr<linux::msghdr> msg, int flags)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    linux::msghdr m = TRY(copy_in(msg));
    kstd::Vector<iovec> iov;
    size_t total = TRY(message_iovecs(m, iov));
    kstd::Vector<uint8_t> data;
    if (!data.resize(total ? total : 1))
        return err(ENOMEM);
    SocketAddress source; // empty unless the protocol names the sender
    bool cloexec = flags & MSG_CMSG_CLOEXEC;
    Socket::PassedFiles files;
    bool inet = s->family() == AF_INET || s->family() == AF_INET6;
    Socket::AncillaryList ancillary;
    size_t n = inet ? TRY(s->receive_with_ancillary(IoBuffer::kernel(data.data()), total, flags & ~MSG_CMSG_CLOEXEC,
                                                    m.msg_name ? &source : nullptr, ancillary))
                    : TRY(s->receive_with_files(IoBuffer::kernel(data.data()), total, flags & ~MSG_CMSG_CLOEXEC,
                                                m.msg_name ? &source : nullptr, files));
    size_t at = 0;
    for (auto& v : iov) {
        if (at >= n)
            break;
        size_t k = kstd::min(size_t(v.iov_len), n - at);
        TRY(IoBuffer::user(uintptr_t(v.iov_base)).write_from(0, data.data() + at, k));
        at += k;
    }
    if (m.msg_name)
        TRY(copy_out_address(source, UserPtr<void>(m.msg_name),
                             UserPtr<uint32_t>(msg.address() + __builtin_offsetof(linux::msghdr, msg_namelen))));
    // Received descriptors as an SCM_RIGHTS message, or an Internet
    // socket's IP_PKTINFO and friends (MSG_CTRUNC when short of room);
    // flags report a truncated record too.
    int msg_flags = s->last_receive_flags() | (flags & MSG_CMSG_CLOEXEC); // Linux echoes it
    uint64_t control = inet ? TRY(copy_out_ancillary(ancillary, m, msg_flags))
                            : TRY(copy_out_rights(kstd::move(files), m, Process::current().fds(), cloexec, msg_flags));
    TRY(copy_out(UserPtr<uint64_t>(msg.address() + __builtin_offsetof(linux::msghdr, msg_controllen)), control));
    TRY(copy_out(UserPtr<int32_t>(msg.address() + __builtin_offsetof(linux::msghdr, msg_flags)), int32_t(msg_flags)));
    return long(n);
}

SysResult sys_setsockopt(int fd, int level, int name, UserPtr<const void> value, uint32_t length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    uint8_t bytes[64] {};
    if (int32_t(length) < 0)
        return err(EINVAL);
    uint32_t n = kstd::min(length, uint32_t(sizeof bytes));
    if (n)
        TRY(value.buffer().read_into(bytes, 0, n));
    TRY(s->set_option(level, name, bytes, n));
    return 0;
}

SysResult sys_getsockopt(int fd, int level, int name, UserPtr<void> value, UserPtr<uint32_t> length)
{
    RefPtr<Socket> s = TRY(socket_of(fd));
    uint32_t room = TRY(copy_in(UserPtr<const uint32_t>(length.address())));
    if (int32_t(room) < 0)
        return err(EINVAL);
    uint8_t bytes[64] {};
    uint32_t n = TRY(s->get_option(level, name, bytes, kstd::min(room, uint32_t(sizeof bytes))));
    if (n)
        TRY(value.buffer().write_from(0, bytes, n));
    TRY(copy_out(length, n));
    return 0;
}

SysResult sys_socketpair(int domain, int type, int protocol, UserPtr<int> fds_out)
{
    int flags = TRY(status_flags_of(type));
    bool inet = (domain == AF_INET || domain == AF_INET6) && Inet::operations();
    if (inet || domain == AF_NETLINK)
        return err(EOPNOTSUPP); // Linux: no pairs of IP or netlink sockets
    if (domain != AF_UNIX)
        return err(EAFNOSUPPORT);
    int kind = TRY(unix_type(type & SOCK_TYPE_MASK, protocol));
    RefPtr<Socket> a, b;
    TRY(UnixSocket::create_pair(kind, flags, a, b));
    FdTable& table = Process::current().fds();
    bool cloexec = type & SOCK_CLOEXEC;
    int fa = TRY(table.allocate(RefPtr<File>(a.ptr()), cloexec));
    auto fb = table.allocate(RefPtr<File>(b.ptr()), cloexec);
    if (fb.is_error()) {
        (void)table.close(fa);
        return fb.error();
    }
    int pair[2] = { fa, fb.value() };
    auto copied = fds_out.buffer().write_from(0, pair, sizeof pair);
    if (copied.is_error()) {
        (void)table.close(fa);
        (void)table.close(pair[1]);
        return copied.error();
    }
    return 0;
}

} // namespace husk
