#include "ForwardBacklog.h"
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace husk::tools {

namespace {
constexpr double kGiveUpS = 10; // QEMU opens its forwards before the guest starts

double now_s()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// The host port of a listening TCP socket on IPv4 or IPv6, else 0.
unsigned listening_tcp_port(int fd)
{
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &length) != 0 || !value)
        return 0;
    length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &length) != 0 || value != IPPROTO_TCP)
        return 0;
    sockaddr_storage address {};
    socklen_t size = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return 0;
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    return 0;
}
} // namespace

std::vector<HostForward> host_forwards(const std::vector<std::string>& netdevs)
{
    std::vector<HostForward> rules;
    for (const auto& spec : netdevs) {
        if (spec != "user" && spec.rfind("user,", 0) != 0)
            continue;
        for (size_t at = spec.find(",hostfwd="); at != std::string::npos; at = spec.find(",hostfwd=", at + 1)) {
            size_t start = at + 9, end = spec.find(',', start);
            std::string rule = spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
            std::string host = rule.substr(0, rule.find('-'));
            bool udp = host.rfind("udp:", 0) == 0;
            if (udp || host.rfind("tcp:", 0) == 0)
                host = host.substr(4);
            size_t colon = host.rfind(':');
            if (colon == std::string::npos)
                continue;
            unsigned port = unsigned(std::strtoul(host.c_str() + colon + 1, nullptr, 10));
            if (port > 0 && port < 65536)
                rules.push_back({ udp, host.substr(0, colon), port });
        }
    }
    return rules;
}

std::vector<unsigned> ForwardBacklog::tcp_host_ports(const std::vector<std::string>& netdevs)
{
    std::vector<unsigned> ports;
    for (const auto& f : host_forwards(netdevs))
        if (!f.udp && std::find(ports.begin(), ports.end(), f.host_port) == ports.end())
            ports.push_back(f.host_port);
    return ports;
}

ForwardBacklog::ForwardBacklog(const std::vector<std::string>& netdevs) : m_ports(tcp_host_ports(netdevs)) {}

ForwardBacklog::~ForwardBacklog()
{
    if (m_pidfd >= 0)
        close(m_pidfd);
}

void ForwardBacklog::widen(pid_t qemu)
{
    if (done())
        return;
    if (m_started == 0)
        m_started = now_s();
    else if (now_s() - m_started > kGiveUpS) {
        m_ports.clear(); // QEMU never opened them (it failed; its message says why)
        return;
    }
    if (m_pidfd < 0) {
        m_pidfd = int(syscall(SYS_pidfd_open, qemu, 0));
        if (m_pidfd < 0) {
            m_ports.clear();
            return;
        }
    }
    std::string dir = "/proc/" + std::to_string(qemu) + "/fd";
    DIR* d = opendir(dir.c_str());
    if (!d)
        return;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        char target[64];
        ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1);
        if (n <= 0 || std::string(target, size_t(n)).rfind("socket:", 0) != 0)
            continue;
        int fd = int(syscall(SYS_pidfd_getfd, m_pidfd, std::atoi(e->d_name), 0));
        if (fd < 0) {
            if (errno == EPERM || errno == ENOSYS) // not ours to touch: QEMU's backlog stays
                m_ports.clear();
            continue;
        }
        unsigned port = listening_tcp_port(fd);
        auto it = std::find(m_ports.begin(), m_ports.end(), port);
        // The socket is QEMU's: listen() on the copy changes its backlog.
        if (port && it != m_ports.end() && listen(fd, SOMAXCONN) == 0)
            m_ports.erase(it);
        close(fd);
        if (done())
            break;
    }
    closedir(d);
}

} // namespace husk::tools
