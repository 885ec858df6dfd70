#include "Ipv6Forward.h"
#include "ForwardBacklog.h"
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iterator>
#include <list>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace husk::tools {

namespace {
constexpr size_t kBufferLimit = 256 * 1024; // per direction: read no more until written
constexpr size_t kMaxUdpClients = 256;      // the oldest is forgotten beyond that
constexpr double kUdpIdleS = 60;            // a UDP client's relay socket lives this long unused

double now_s()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

int listen_on_loopback6(const Ipv6Forward::Rule& rule)
{
    int fd = socket(AF_INET6, (rule.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (!rule.udp)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in6 a {};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(uint16_t(rule.port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || (!rule.udp && listen(fd, SOMAXCONN) != 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

// A socket to QEMU's IPv4 forward; TCP's connect completes later.
int connect_to_forward(const Ipv6Forward::Rule& rule)
{
    int fd = socket(AF_INET, (rule.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(rule.port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

// What an epoll event belongs to.
struct Source {
    enum Kind { Stop, Listener, Stream, Datagram } kind;
    int side { 0 }; // Stream: 0 the IPv6 client, 1 QEMU's forward
    void* owner { nullptr };
};

// One relayed TCP connection: data read from fd[i] waits in pending[i]
// until fd[1 - i] takes it; an end of file is passed on as a shutdown.
struct Stream {
    int fd[2] { -1, -1 };
    std::string pending[2];
    bool eof[2] {}, shut[2] {};
    bool connected { false };
    Source source[2];
};

// One UDP client of a [::1] port, and its own socket to QEMU's forward.
struct UdpClient {
    sockaddr_in6 address {};
    int fd { -1 };
    int listener { -1 };
    double used { 0 };
    Source source;
};

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }
} // namespace

std::vector<Ipv6Forward::Rule> Ipv6Forward::rules(const std::vector<std::string>& netdevs)
{
    std::vector<Rule> rules;
    for (const auto& f : host_forwards(netdevs))
        if (f.host_address == "127.0.0.1") // the loopback forwards husk run makes
            rules.push_back({ f.udp, f.host_port });
    return rules;
}

Ipv6Forward::Ipv6Forward(const std::vector<std::string>& netdevs)
{
    for (const Rule& rule : rules(netdevs)) {
        int fd = listen_on_loopback6(rule);
        if (fd >= 0)
            m_listeners.push_back({ rule, fd });
    }
    if (m_listeners.empty())
        return;
    m_stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_stop < 0)
        return;
    m_thread = std::thread([this] { relay(); });
}

Ipv6Forward::~Ipv6Forward()
{
    if (m_thread.joinable()) {
        uint64_t one = 1;
        (void)!write(m_stop, &one, sizeof one);
        m_thread.join();
    }
    if (m_stop >= 0)
        close(m_stop);
    for (auto& [rule, fd] : m_listeners)
        close(fd);
}

void Ipv6Forward::relay()
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        return;
    auto watch = [&](int op, int fd, uint32_t events, Source* source) {
        epoll_event e {};
        e.events = events;
        e.data.ptr = source;
        epoll_ctl(ep, op, fd, &e);
    };
    Source stop { Source::Stop };
    watch(EPOLL_CTL_ADD, m_stop, EPOLLIN, &stop);
    std::vector<Source> listener_sources(m_listeners.size());
    for (size_t i = 0; i < m_listeners.size(); ++i) {
        listener_sources[i] = { Source::Listener, 0, &m_listeners[i] };
        watch(EPOLL_CTL_ADD, m_listeners[i].second, EPOLLIN, &listener_sources[i]);
    }
    std::list<Stream> streams;
    std::list<UdpClient> clients;

    auto close_stream = [&](Stream* s) {
        for (int fd : s->fd)
            if (fd >= 0)
                close(fd); // also leaves the epoll set
        streams.remove_if([s](const Stream& x) { return &x == s; });
    };
    // Moves what can move, then asks epoll for what would let more move.
    // False when the stream is over (closed).
    auto pump = [&](Stream* s) {
        if (!s->connected) {
            int error = 0;
            socklen_t size = sizeof error;
            if (getsockopt(s->fd[1], SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error) {
                close_stream(s);
                return;
            }
            sockaddr_in peer {};
            socklen_t peer_size = sizeof peer;
            s->connected = getpeername(s->fd[1], reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0;
        }
        for (int i = 0; i < 2; ++i) {
            if (i == 1 && !s->connected)
                break;
            char buf[65536];
            while (!s->eof[i] && s->pending[i].size() < kBufferLimit) {
                ssize_t n = read(s->fd[i], buf, sizeof buf);
                if (n > 0)
                    s->pending[i].append(buf, size_t(n));
                else if (n == 0)
                    s->eof[i] = true;
                else if (would_block())
                    break;
                else {
                    close_stream(s);
                    return;
                }
            }
        }
        if (s->connected) {
            for (int i = 0; i < 2; ++i) {
                while (!s->pending[i].empty()) {
                    ssize_t n = send(s->fd[1 - i], s->pending[i].data(), s->pending[i].size(), MSG_NOSIGNAL);
                    if (n > 0)
                        s->pending[i].erase(0, size_t(n));
                    else if (n < 0 && would_block())
                        break;
                    else {
                        close_stream(s);
                        return;
                    }
                }
                if (s->eof[i] && s->pending[i].empty() && !s->shut[i]) {
                    shutdown(s->fd[1 - i], SHUT_WR);
                    s->shut[i] = true;
                }
            }
            if (s->shut[0] && s->shut[1]) {
                close_stream(s);
                return;
            }
        }
        for (int i = 0; i < 2; ++i) {
            uint32_t events = 0;
            if (!s->eof[i] && s->pending[i].size() < kBufferLimit && (i == 0 || s->connected))
                events |= EPOLLIN;
            if (!s->pending[1 - i].empty() || (i == 1 && !s->connected))
                events |= EPOLLOUT;
            watch(EPOLL_CTL_MOD, s->fd[i], events, &s->source[i]);
        }
    };
    auto accept_stream = [&](std::pair<Rule, int>& listener) {
        for (;;) {
            int client = accept4(listener.second, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client < 0)
                return;
            int upstream = connect_to_forward(listener.first);
            if (upstream < 0) {
                close(client);
                continue;
            }
            Stream& s = streams.emplace_back();
            s.fd[0] = client;
            s.fd[1] = upstream;
            for (int i = 0; i < 2; ++i) {
                s.source[i] = { Source::Stream, i, &s };
                watch(EPOLL_CTL_ADD, s.fd[i], 0, &s.source[i]);
            }
            pump(&s);
        }
    };
    auto forget_client = [&](UdpClient* c) {
        close(c->fd);
        clients.remove_if([c](const UdpClient& x) { return &x == c; });
    };
    auto datagram_in = [&](std::pair<Rule, int>& listener) {
        char buf[65536];
        for (;;) {
            sockaddr_in6 from {};
            socklen_t size = sizeof from;
            ssize_t n = recvfrom(listener.second, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &size);
            if (n < 0)
                return;
            UdpClient* client = nullptr;
            for (auto& c : clients)
                if (c.listener == listener.second && c.address.sin6_port == from.sin6_port
                    && memcmp(&c.address.sin6_addr, &from.sin6_addr, sizeof from.sin6_addr) == 0)
                    client = &c;
            if (!client) {
                if (clients.size() >= kMaxUdpClients)
                    forget_client(&clients.front());
                int fd = connect_to_forward(listener.first);
                if (fd < 0)
                    continue;
                UdpClient& c = clients.emplace_back();
                c.address = from;
                c.fd = fd;
                c.listener = listener.second;
                c.source = { Source::Datagram, 0, &c };
                watch(EPOLL_CTL_ADD, fd, EPOLLIN, &c.source);
                client = &c;
            }
            client->used = now_s();
            (void)!send(client->fd, buf, size_t(n), MSG_NOSIGNAL);
        }
    };
    auto datagram_back = [&](UdpClient* c) {
        char buf[65536];
        for (ssize_t n; (n = recv(c->fd, buf, sizeof buf, 0)) >= 0;) {
            c->used = now_s();
            (void)!sendto(c->listener, buf, size_t(n), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&c->address),
                          sizeof c->address);
        }
    };

    for (bool running = true; running;) {
        epoll_event events[64];
        int n = epoll_wait(ep, events, 64, clients.empty() ? -1 : 5000);
        for (int i = 0; i < n && running; ++i) {
            auto* source = static_cast<Source*>(events[i].data.ptr);
            switch (source->kind) {
            case Source::Stop:
                running = false;
                break;
            case Source::Listener: {
                auto* listener = static_cast<std::pair<Rule, int>*>(source->owner);
                if (listener->first.udp)
                    datagram_in(*listener);
                else
                    accept_stream(*listener);
                break;
            }
            case Source::Stream: {
                // A stream closed by an earlier event of this batch is gone:
                // its other end's event (same owner) must not be used.
                auto* s = static_cast<Stream*>(source->owner);
                bool live = false;
                for (auto& x : streams)
                    live |= &x == s;
                if (live)
                    pump(s);
                break;
            }
            case Source::Datagram: {
                auto* c = static_cast<UdpClient*>(source->owner);
                bool live = false;
                for (auto& x : clients)
                    live |= &x == c;
                if (live)
                    datagram_back(c);
                break;
            }
            }
        }
        double now = now_s();
        for (auto it = clients.begin(); it != clients.end();) {
            auto next = std::next(it);
            if (now - it->used > kUdpIdleS)
                forget_client(&*it);
            it = next;
        }
    }
    while (!streams.empty())
        close_stream(&streams.front());
    while (!clients.empty())
        forget_client(&clients.front());
    close(ep);
}

} // namespace husk::tools
