// A socket: an open file description with the socket calls. Subclasses
// (TCP, UDP, AF_UNIX) implement what their protocol does; the defaults
// answer as Linux does for a protocol without that operation. Everything
// is kernel memory or an IoBuffer: kernel/syscall copies addresses, lengths
// and messages in and out, so kernel code can drive a socket too.
#pragma once

#include "../core/WaitQueue.h"
#include "../kstd/Vector.h"
#include "../vfs/File.h"
#include "SocketAddress.h"

namespace husk {

class Socket : public File {
public:
    // net.core.somaxconn: listen() caps a backlog at it, a negative one
    // too (Linux compares it unsigned).
    static constexpr int kMaxListenBacklog = 4096;
    static int capped_backlog(int backlog)
    {
        return unsigned(backlog) > unsigned(kMaxListenBacklog) ? kMaxListenBacklog : backlog;
    }

    int family() const { return m_family; }
    int type() const { return m_type; }

    virtual kstd::ErrorOr<void> bind(const SocketAddress& addr);
    virtual kstd::ErrorOr<void> listen(int backlog);
    virtual kstd::ErrorOr<kstd::RefPtr<Socket>> accept(bool nonblocking);
    virtual kstd::ErrorOr<void> connect(const SocketAddress& addr);
    virtual kstd::ErrorOr<void> shutdown(int how);
    virtual kstd::ErrorOr<SocketAddress> local_address();
    virtual kstd::ErrorOr<SocketAddress> peer_address();
    // Data with MSG_* flags. `to` may be null (connected use); `from`, when
    // given, gets the sender's address where the protocol reports one
    // (UDP, AF_UNIX: empty for an unnamed sender); TCP leaves it alone.
    virtual kstd::ErrorOr<size_t> send(IoBuffer buf, size_t n, int flags, const SocketAddress* to);
    virtual kstd::ErrorOr<size_t> receive(IoBuffer buf, size_t n, int flags, SocketAddress* from);
    // The same with descriptors passed along (SCM_RIGHTS): the open files
    // travel with the data and stay open while in flight. Only AF_UNIX
    // passes them; the defaults refuse files (EINVAL, as Linux) and receive
    // none.
    using PassedFiles = kstd::Vector<kstd::RefPtr<File>>;
    virtual kstd::ErrorOr<size_t> send_with_files(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                                  PassedFiles files);
    // `files` gets those that came with what was read (none: left empty).
    virtual kstd::ErrorOr<size_t> receive_with_files(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                                     PassedFiles& files);
    // Ancillary data of the IP levels (cmsg(3)) other than descriptors:
    // what a receive reports (IP_PKTINFO, IP_TTL, IP_TOS, IPV6_PKTINFO, ...
    // for the options that ask for them) and what a send is given
    // (IP_PKTINFO, IPV6_PKTINFO: the source address and interface): level,
    // type and the bytes of Linux's structure.
    struct Ancillary {
        int level, type;
        uint32_t length; // of the data (a longer one is cut to data's size)
        uint8_t data[20]; // in6_pktinfo, the largest
    };
    using AncillaryList = kstd::Vector<Ancillary>;
    // The defaults take none (the protocol has no such data) and give none.
    virtual kstd::ErrorOr<size_t> send_with_ancillary(IoBuffer buf, size_t n, int flags, const SocketAddress* to,
                                                      const AncillaryList& control);
    virtual kstd::ErrorOr<size_t> receive_with_ancillary(IoBuffer buf, size_t n, int flags, SocketAddress* from,
                                                         AncillaryList& control);
    // Options: value is the option's bytes as the program passed them.
    virtual kstd::ErrorOr<void> set_option(int level, int name, const void* value, uint32_t length);
    virtual kstd::ErrorOr<uint32_t> get_option(int level, int name, void* value, uint32_t room);

    kstd::ErrorOr<size_t> read(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> pread(IoBuffer, size_t, uint64_t) override;
    kstd::ErrorOr<size_t> pwrite(IoBuffer, size_t, uint64_t) override;
    kstd::ErrorOr<uint64_t> seek(int64_t, int) override;
    // A regular file into a stream socket: the file system hands its cached
    // bytes straight to take() (through a ByteSink), pushed out a chunk at a
    // time; a full blocking socket takes a chunk through FileCopy's buffer,
    // whose write waits for room. Anything else: File's copy.
    kstd::ErrorOr<size_t> send_from(File& in, int64_t position, size_t count) override;
    // Interface requests (SIOC*) of any socket; FIONREAD from unread_bytes().
    kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg) final;
    kstd::ErrorOr<void> stat(linux::stat& out) override;
    bool is_socket() const override { return true; }
    // Linux raises SIGPIPE with EPIPE on stream sockets only.
    bool raises_sigpipe() const override { return m_type == linux::SOCK_STREAM; }
    // recvmsg's msg_flags for the last receive (MSG_TRUNC...).
    virtual int last_receive_flags() const { return 0; }
    PollGeneration poll_generation() const override { return m_generation; }
    const PollGeneration* async_source() const override { return &m_generation; }

protected:
    Socket(int family, int type, int flags) : File(flags), m_family(family), m_type(type) {}
    // FIONREAD's answer (EINVAL on a listening socket, as Linux). Not pure:
    // the kernel links without the C++ runtime's __cxa_pure_virtual.
    virtual kstd::ErrorOr<size_t> unread_bytes() { return size_t(0); }
    // send_from's pieces: as many of n kernel bytes as the socket takes now,
    // without blocking (EAGAIN: none), left for push() to send out, so that
    // a file's pieces leave in one burst.
    virtual kstd::ErrorOr<size_t> take(const uint8_t* data, size_t n);
    virtual void push() {}
    // The pending error, cleared: it is reported once (SO_ERROR, a call).
    int take_error();
    // An int option's value (EINVAL when shorter); an option's bytes copied
    // into the room the program gave, returning the length written.
    static kstd::ErrorOr<int> int_option(const void* value, uint32_t length);
    static uint32_t put_option(void* value, uint32_t room, const void* src, uint32_t size);
    // Readiness changed (which: POLLIN and/or POLLOUT): wake this socket's
    // sleepers, poll/select and epoll.
    void changed(short which = linux::POLLIN | linux::POLLOUT);
    // Sleeps until woken or the receive/send timeout; ETIMEDOUT → EAGAIN
    // as Linux reports a timed-out blocking call.
    kstd::ErrorOr<void> sleep(bool sending);
    // The same on another queue (a datagram sender waits on its receiver's).
    kstd::ErrorOr<void> sleep(bool sending, WaitQueue& queue);
    // Options every socket keeps (SOL_SOCKET).
    kstd::ErrorOr<bool> set_common_option(int level, int name, const void* value, uint32_t length);
    kstd::ErrorOr<uint32_t> get_common_option(int level, int name, void* value, uint32_t room, bool& handled);

    int m_family;
    int m_type;
    WaitQueue m_waiters;
    int m_error { 0 }; // pending error (SO_ERROR), a positive errno
    PollGeneration m_generation;
    uint32_t m_rcvbuf { 131072 }, m_sndbuf { 16384 };
    uint64_t m_rcvtimeo_ns { 0 }, m_sndtimeo_ns { 0 }; // 0: none
    bool m_reuseaddr { false }, m_reuseport { false }, m_keepalive { false }, m_broadcast { false };
    bool m_dontroute { false }, m_oobinline { false };
    int m_priority { 0 }, m_rcvlowat { 1 };
    linux::linger m_linger {};
};

} // namespace husk
