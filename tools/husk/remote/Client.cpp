#include "Client.h"
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace husk::remote {

std::string Client::connect(const std::string& spec, Client& out)
{
    int fd = -1;
    if (spec.rfind("unix:", 0) == 0) {
        sockaddr_un a {};
        std::string path = spec.substr(5);
        if (path.empty() || path.size() >= sizeof a.sun_path)
            return "bad socket path in '" + spec + "'";
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, path.c_str(), path.size());
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            std::string why = std::strerror(errno);
            if (fd >= 0)
                close(fd);
            return "cannot connect to " + spec + ": " + why;
        }
    } else if (spec.rfind("tcp:", 0) == 0) {
        std::string rest = spec.substr(4);
        size_t colon = rest.rfind(':');
        sockaddr_in a {};
        a.sin_family = AF_INET;
        if (colon == std::string::npos || inet_pton(AF_INET, rest.substr(0, colon).c_str(), &a.sin_addr) != 1)
            return "bad address in '" + spec + "' (tcp:HOST:PORT)";
        a.sin_port = htons(uint16_t(std::atoi(rest.c_str() + colon + 1)));
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            std::string why = std::strerror(errno);
            if (fd >= 0)
                close(fd);
            return "cannot connect to " + spec + ": " + why;
        }
    } else {
        return "unknown server address '" + spec + "' (unix:PATH or tcp:HOST:PORT)";
    }
    out.m_fd = fd;
    Hello h {};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    Hello reply {};
    if (!out.send_all(&h, sizeof h) || !out.recv_all(&reply, sizeof reply)
        || std::memcmp(reply.magic, kMagic, sizeof kMagic) != 0 || reply.version != kVersion)
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
    if (!recv_all(&resp, sizeof resp))
        return -EPIPE;
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
