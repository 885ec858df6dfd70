#include "Client.h"
#include "Address.h"
#include "Ring.h"
#include "Token.h"
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

namespace husk::remote {

Client::Client() = default;

std::string Client::connect(const std::string& spec, Client& out, const Options& options)
{
    bool closed = false;
    bool unix_socket = spec.rfind("unix:", 0) == 0;
    std::string why = greet(spec, out, options, unix_socket && options.ring ? kVersion : kOldestVersion, closed);
    // A server of version 2 closes on a version 3 greeting: ask again without the ring.
    if (closed && unix_socket && options.ring) {
        out.disconnect();
        why = greet(spec, out, options, kOldestVersion, closed);
    }
    return why;
}

std::string Client::greet(const std::string& spec, Client& out, const Options& options, uint32_t version, bool& closed)
{
    Address address;
    if (std::string why = parse_address(spec, address); !why.empty())
        return "bad server address: " + why;
    std::string token;
    if (!address.is_unix)
        if (std::string why = client_token(address, options.token_file, token); !why.empty())
            return why;
    int fd = socket(address.is_unix ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un unix_address {};
    unix_address.sun_family = AF_UNIX;
    std::memcpy(unix_address.sun_path, address.path.c_str(), address.path.size());
    const sockaddr* a = address.is_unix ? reinterpret_cast<const sockaddr*>(&unix_address)
                                        : reinterpret_cast<const sockaddr*>(&address.inet);
    socklen_t length = address.is_unix ? sizeof unix_address : sizeof address.inet;
    timeval limit { time_t(options.timeout), 0 };
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0
        || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) != 0 || ::connect(fd, a, length) != 0) {
        std::string why = errno == EINPROGRESS || errno == EAGAIN ? "no answer within " + std::to_string(options.timeout) + " s"
                                                                   : std::strerror(errno);
        if (fd >= 0)
            close(fd);
        return "cannot connect to " + spec + ": " + why;
    }
    out.m_fd = fd;
    out.m_timeout = options.timeout;
    std::string hello(sizeof(Hello), '\0');
    Hello h {};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = version;
    h.pid = version >= 3 && address.is_unix ? kWantRing : 0;
    std::memcpy(hello.data(), &h, sizeof h);
    if (!address.is_unix) {
        Auth auth {};
        std::memcpy(auth.token, token.data(), token.size());
        hello.append(reinterpret_cast<const char*>(&auth), sizeof auth);
    }
    Hello reply {};
    // A server that refuses the connection may close it before the greeting
    // is sent: its refusal is still there to read.
    bool sent = out.send_all(hello.data(), hello.size());
    std::vector<int> fds; // the ring's, when offered
    bool answered = out.recv_all(&reply, sizeof reply, &fds);
    auto close_fds = [&] {
        for (int f : fds)
            close(f);
        fds.clear();
    };
    if (!answered && out.m_timed_out)
        return spec + " did not answer within " + std::to_string(options.timeout) + " s (--timeout)";
    if (answered && std::memcmp(reply.magic, kRefusedMagic, sizeof kRefusedMagic) == 0) {
        close_fds();
        if (reply.pid == kRefusedToken)
            return spec + " refused the connection: "
                   + (token.empty() ? "it wants a token (--token-file PATH, HUSK_TOKEN_FILE or HUSK_TOKEN)"
                                    : "wrong token");
        if (reply.pid == kRefusedConnections)
            return spec + " refused the connection: it serves as many connections as it can (--max-connections, "
                          "or its descriptor limit)";
        if (reply.pid == kRefusedProcesses)
            return spec + " refused the connection: its kernel has no process left for it";
        return spec + " refused the connection (reason " + std::to_string(reply.pid) + ")";
    }
    if (!answered || !sent) {
        close_fds();
        closed = true;
        return spec + " closed the connection during the greeting (a husk server of another version, or not a husk server)";
    }
    if (std::memcmp(reply.magic, kMagic, sizeof kMagic) != 0 || reply.version != version) {
        close_fds();
        return spec + " does not speak the husk protocol version " + std::to_string(version);
    }
    if (version >= 3) {
        RingOffer offer {};
        if (!out.recv_all(&offer, sizeof offer, &fds)) {
            close_fds();
            return spec + " closed the connection during the greeting";
        }
        if (offer.ring_bytes == kRingBytes && fds.size() == 2) {
            auto ring = std::make_unique<ClientRing>();
            if (ring->attach(fds[0], fds[1])) // it owns them now
                out.m_ring = std::move(ring);
            fds.clear();
        }
        close_fds();
    }
    return "";
}

Client::~Client() { disconnect(); }

void Client::abandon_after_fork()
{
    if (m_ring)
        m_ring->abandon_after_fork();
    disconnect(); // closing the child's copy of the socket sends nothing
}

void Client::disconnect()
{
    m_ring.reset();
    if (m_fd >= 0)
        close(m_fd);
    m_fd = -1;
}

bool Client::send_all(const void* data, size_t len)
{
    auto* p = static_cast<const char*>(data);
    while (len) {
        ssize_t n = send(m_fd, p, len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= size_t(n);
    }
    return true;
}

bool Client::recv_all(void* data, size_t len, std::vector<int>* fds)
{
    auto* p = static_cast<char*>(data);
    while (len) {
        ssize_t n;
        if (fds) {
            // Descriptors come with the greeting's answer (SCM_RIGHTS).
            alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
            iovec iov { p, len };
            msghdr m {};
            m.msg_iov = &iov;
            m.msg_iovlen = 1;
            m.msg_control = control;
            m.msg_controllen = sizeof control;
            n = recvmsg(m_fd, &m, MSG_CMSG_CLOEXEC);
            for (cmsghdr* h = n > 0 ? CMSG_FIRSTHDR(&m) : nullptr; h; h = CMSG_NXTHDR(&m, h))
                if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
                    for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++i) {
                        int f;
                        std::memcpy(&f, CMSG_DATA(h) + i * sizeof f, sizeof f);
                        fds->push_back(f);
                    }
        } else {
            n = recv(m_fd, p, len, 0);
        }
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            m_timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            return false;
        }
        p += n;
        len -= size_t(n);
    }
    return true;
}

// The ring holds the request as the socket would carry it, and then the
// response with each OUT buffer at its full length's slot.
long Client::call_in_ring(long nr, const std::vector<uint64_t>& args, const std::vector<Buffer>& buffers)
{
    char* d = m_ring->data();
    Request req {};
    req.nr = nr;
    req.segments = uint32_t(buffers.size());
    std::memcpy(req.args, args.data(), sizeof req.args);
    size_t at = sizeof req;
    for (const Buffer& b : buffers) {
        Segment s { b.arg, b.flags, uint32_t(b.length), 0 };
        std::memcpy(d + at, &s, sizeof s);
        at += sizeof s;
    }
    for (const Buffer& b : buffers)
        if (b.flags & kIn) {
            std::memcpy(d + at, b.data, b.length);
            at += b.length;
        }
    req.length = uint32_t(at - sizeof req);
    std::memcpy(d, &req, sizeof req);
    m_ring->post();
    if (int r = m_ring->wait(m_timeout, m_fd); r < 0) {
        disconnect(); // a late answer would be taken for the next call's
        return r;
    }
    Response resp;
    std::memcpy(&resp, d, sizeof resp);
    size_t slot = sizeof resp, got = 0;
    for (const Buffer& b : buffers) {
        if (!(b.flags & kOut))
            continue;
        size_t n = b.length;
        if ((b.flags & kOutCount) && resp.result >= 0 && uint64_t(resp.result) < n)
            n = size_t(resp.result);
        if (resp.result >= 0) {
            std::memcpy(b.data, d + slot, n);
            got += n;
        }
        slot += b.length;
    }
    return got != resp.length ? -EPROTO : resp.result;
}

long Client::call(long nr, std::vector<uint64_t> args, const std::vector<Buffer>& buffers)
{
    if (m_fd < 0)
        return -EPIPE;
    args.resize(6, 0);
    if (m_ring && nr >= 0 && buffers.size() <= kMaxSegments) {
        size_t in = sizeof(Request) + buffers.size() * sizeof(Segment), out = sizeof(Response);
        for (const Buffer& b : buffers) {
            in += (b.flags & kIn) ? b.length : 0;
            out += (b.flags & kOut) ? b.length : 0;
        }
        if (in <= kRingDataBytes && out <= kRingDataBytes)
            return call_in_ring(nr, args, buffers);
    }
    Request req {};
    req.nr = nr;
    req.segments = uint32_t(buffers.size());
    std::memcpy(req.args, args.data(), sizeof req.args);
    // One write for the whole request: the server wakes once for it.
    std::string& body = m_body;
    body.assign(sizeof req, '\0');
    for (const Buffer& b : buffers) {
        Segment s { b.arg, b.flags, uint32_t(b.length), 0 };
        body.append(reinterpret_cast<const char*>(&s), sizeof s);
    }
    for (const Buffer& b : buffers)
        if (b.flags & kIn)
            body.append(static_cast<const char*>(b.data), b.length);
    req.length = uint32_t(body.size() - sizeof req);
    std::memcpy(body.data(), &req, sizeof req);
    bool sent = send_all(body.data(), body.size());
    if (body.capacity() > (1u << 20))
        std::string().swap(body);
    if (!sent)
        return -EPIPE;
    Response resp;
    if (!recv_all(&resp, sizeof resp)) {
        if (!m_timed_out)
            return -EPIPE;
        disconnect(); // a late answer would be taken for the next call's
        return -ETIMEDOUT;
    }
    size_t left = resp.length;
    for (const Buffer& b : buffers) {
        if (!(b.flags & kOut) || resp.result < 0)
            continue;
        size_t n = b.length;
        if ((b.flags & kOutCount) && uint64_t(resp.result) < n)
            n = size_t(resp.result);
        if (n > left || !recv_all(b.data, n))
            return -EPROTO;
        left -= n;
    }
    return left ? -EPROTO : resp.result;
}

} // namespace husk::remote
