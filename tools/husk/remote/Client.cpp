#include "Client.h"
#include "Address.h"
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

std::string Client::connect(const std::string& spec, Client& out, const Options& options)
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
    std::string hello(sizeof(Hello), '\0');
    Hello h {};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
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
    bool answered = out.recv_all(&reply, sizeof reply);
    if (!answered && out.m_timed_out)
        return spec + " did not answer within " + std::to_string(options.timeout) + " s (--timeout)";
    if (answered && std::memcmp(reply.magic, kRefusedMagic, sizeof kRefusedMagic) == 0) {
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
    if (!answered || !sent)
        return spec + " closed the connection during the greeting (a husk server of another version, or not a husk server)";
    if (std::memcmp(reply.magic, kMagic, sizeof kMagic) != 0 || reply.version != kVersion)
        return spec + " does not speak the husk protocol version " + std::to_string(kVersion);
    return "";
}

Client::~Client()
{
    if (m_fd >= 0)
        close(m_fd);
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

bool Client::recv_all(void* data, size_t len)
{
    auto* p = static_cast<char*>(data);
    while (len) {
        ssize_t n = recv(m_fd, p, len, 0);
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

long Client::call(long nr, std::vector<uint64_t> args, const std::vector<Buffer>& buffers)
{
    args.resize(6, 0);
    Request req {};
    req.nr = nr;
    req.segments = uint32_t(buffers.size());
    std::memcpy(req.args, args.data(), sizeof req.args);
    // One write for the whole request: the server wakes once for it.
    std::string body(sizeof req, '\0');
    for (const Buffer& b : buffers) {
        Segment s { b.arg, b.flags, uint32_t(b.length), 0 };
        body.append(reinterpret_cast<const char*>(&s), sizeof s);
    }
    for (const Buffer& b : buffers)
        if (b.flags & kIn)
            body.append(static_cast<const char*>(b.data), b.length);
    req.length = uint32_t(body.size() - sizeof req);
    std::memcpy(body.data(), &req, sizeof req);
    if (!send_all(body.data(), body.size()))
        return -EPIPE;
    Response resp;
    if (!recv_all(&resp, sizeof resp)) {
        if (!m_timed_out)
            return -EPIPE;
        close(m_fd); // a late answer would be taken for the next call's
        m_fd = -1;
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
