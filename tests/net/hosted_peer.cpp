// A hosted kernel on a network, for tests/net/run-hosted-net-test: boots
// Husk in this process with the interfaces given by --net, then plays one
// part through husk_sys_* calls (the TCP/IP stack is Husk's, not the
// host's):
//   serve PORT OUT      accept one TCP connection, store what it sends in
//                       the host file OUT, answer "received N bytes"
//   send ADDR PORT IN   connect (retrying while the peer is not there yet),
//                       send the host file IN, print the peer's answer
//   get ADDR PORT PATH  HTTP/1.0 GET, print the response's body
//   http PORT FILE      answer one HTTP request with the host file FILE
//   refused ADDR PORT   a connection to a closed port must be refused (the
//                       peer's kernel answers with a reset): exit 0 if so
//   count PORT          serve forever, many connections at once (poll):
//                       count what each sends until its end, answer
//                       "received N bytes", log "served N bytes"
//   hold ADDR PORT N    open N connections, send half a request on each,
//                       log "holding N", then wait (to be killed: the
//                       peer is left with half-open connections)
// Usage: hosted-peer [--net SPEC]... [--config WORDS] MODE ARGS...
#include <husk/husk.h>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <vector>

namespace {

[[noreturn]] void die(const char* what, long r)
{
    std::fprintf(stderr, "hosted-peer: %s: %s\n", what, r < 0 ? std::strerror(int(-r)) : "failed");
    std::exit(1);
}

long check(const char* what, long r)
{
    if (r < 0)
        die(what, -errno);
    return r;
}

std::string read_host_file(const char* path)
{
    FILE* f = std::fopen(path, "rb");
    if (!f)
        die(path, -errno);
    std::string data;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
        data.append(buf, n);
    std::fclose(f);
    return data;
}

void send_all(int fd, const std::string& data)
{
    for (size_t at = 0; at < data.size();)
        at += size_t(check("send", husk_sys_sendto(fd, data.data() + at, data.size() - at, 0, nullptr, 0)));
}

std::string receive_all(int fd)
{
    std::string data;
    char buf[65536];
    for (long n; (n = check("recv", husk_sys_recvfrom(fd, buf, sizeof buf, 0, nullptr, nullptr))) > 0;)
        data.append(buf, size_t(n));
    return data;
}

int listen_on(int port)
{
    int s = int(check("socket", husk_sys_socket(AF_INET, SOCK_STREAM, 0)));
    int one = 1;
    husk_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    check("bind", husk_sys_bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
    check("listen", husk_sys_listen(s, 4));
    std::printf("hosted-peer: listening on port %d\n", port);
    std::fflush(stdout);
    return s;
}

int connect_to(const char* address, int port)
{
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    if (inet_pton(AF_INET, address, &a.sin_addr) != 1)
        die("not an IPv4 address", 0);
    // The peer may still be booting: retry for 20 s.
    for (int attempt = 0;; ++attempt) {
        int s = int(check("socket", husk_sys_socket(AF_INET, SOCK_STREAM, 0)));
        if (husk_sys_connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
            return s;
        int e = errno;
        husk_sys_close(s);
        if (attempt == 200 || (e != ECONNREFUSED && e != ETIMEDOUT && e != EHOSTUNREACH))
            die("connect", -e);
        timespec ts { 0, 100000000 };
        husk_sys_nanosleep(&ts, nullptr);
    }
}

// Ends a connection only once the peer has everything: this process (and
// the kernel in it, with its unsent data) is gone right after.
void finish(int fd)
{
    check("shutdown", husk_sys_shutdown(fd, SHUT_WR));
    receive_all(fd);
    husk_sys_close(fd);
}

} // namespace

int main(int argc, char** argv)
{
    std::string config = "loglevel=notice";
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        if (std::strcmp(argv[i], "--net") == 0) {
            char error[256];
            if (husk_attach_net(argv[i + 1], error, sizeof error) < 0) {
                std::fprintf(stderr, "hosted-peer: --net %s: %s\n", argv[i + 1], error);
                return 2;
            }
        } else if (std::strcmp(argv[i], "--config") == 0) {
            config += std::string(" ") + argv[i + 1];
        } else {
            break;
        }
    }
    if (i >= argc) {
        std::fprintf(stderr, "usage: hosted-peer [--net SPEC]... [--config WORDS] serve|send|get|http|refused ARGS...\n");
        return 2;
    }
    if (husk_init(config.c_str()) != 0)
        die("husk_init", -errno);
    std::string mode = argv[i];
    char** a = argv + i + 1;
    int n = argc - i - 1;
    if (mode == "serve" && n == 2) {
        int s = listen_on(std::atoi(a[0]));
        int c = int(check("accept", husk_sys_accept4(s, nullptr, nullptr, 0)));
        std::string data = receive_all(c);
        FILE* f = std::fopen(a[1], "wb");
        if (!f || std::fwrite(data.data(), 1, data.size(), f) != data.size() || std::fclose(f) != 0)
            die(a[1], -errno);
        send_all(c, "received " + std::to_string(data.size()) + " bytes\n");
        finish(c);
        husk_sys_close(s);
        return 0;
    }
    if (mode == "count" && n == 1) {
        int s = listen_on(std::atoi(a[0]));
        check("fcntl", husk_sys_fcntl(s, F_SETFL, O_NONBLOCK));
        struct Client {
            int fd;
            size_t bytes;
        };
        std::vector<Client> clients;
        for (;;) {
            std::vector<pollfd> fds { { s, POLLIN, 0 } };
            for (auto& c : clients)
                fds.push_back({ c.fd, POLLIN, 0 });
            check("poll", husk_sys_poll(fds.data(), fds.size(), -1));
            if (fds[0].revents & POLLIN)
                for (int c; (c = int(husk_sys_accept4(s, nullptr, nullptr, SOCK_NONBLOCK))) >= 0;)
                    clients.push_back({ c, 0 });
            for (size_t k = 1; k < fds.size(); ++k) {
                if (!fds[k].revents)
                    continue;
                Client& c = clients[k - 1];
                char buf[65536];
                long got = husk_sys_recvfrom(c.fd, buf, sizeof buf, 0, nullptr, nullptr);
                if (got > 0) {
                    c.bytes += size_t(got);
                    continue;
                }
                if (got == 0) {
                    std::string answer = "received " + std::to_string(c.bytes) + " bytes\n";
                    husk_sys_sendto(c.fd, answer.data(), answer.size(), MSG_NOSIGNAL, nullptr, 0);
                    std::printf("hosted-peer: served %zu bytes\n", c.bytes);
                    std::fflush(stdout);
                } else if (errno == EAGAIN) {
                    continue;
                }
                husk_sys_close(c.fd);
                c.fd = -1;
            }
            std::erase_if(clients, [](const Client& c) { return c.fd < 0; });
        }
    }
    if (mode == "hold" && n == 3) {
        int count = std::atoi(a[2]);
        for (int k = 0; k < count; ++k)
            send_all(connect_to(a[0], std::atoi(a[1])), "GET /half-a-requ");
        std::printf("hosted-peer: holding %d\n", count);
        std::fflush(stdout);
        timespec hour { 3600, 0 };
        for (;;)
            husk_sys_nanosleep(&hour, nullptr);
    }
    if (mode == "send" && n == 3) {
        int s = connect_to(a[0], std::atoi(a[1]));
        send_all(s, read_host_file(a[2]));
        check("shutdown", husk_sys_shutdown(s, SHUT_WR));
        std::string answer = receive_all(s);
        std::fputs(answer.c_str(), stdout);
        return 0;
    }
    if (mode == "get" && n == 3) {
        int s = connect_to(a[0], std::atoi(a[1]));
        send_all(s, std::string("GET ") + a[2] + " HTTP/1.0\r\nHost: " + a[0] + "\r\n\r\n");
        std::string response = receive_all(s);
        size_t body = response.find("\r\n\r\n");
        if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos)
            die("not an HTTP response", 0);
        std::fputs(response.substr(0, response.find("\r\n")).c_str(), stderr);
        std::fputs("\n", stderr);
        std::fwrite(response.data() + body + 4, 1, response.size() - body - 4, stdout);
        return response.compare(9, 3, "200") == 0 ? 0 : 1;
    }
    if (mode == "http" && n == 2) {
        int s = listen_on(std::atoi(a[0]));
        std::string body = read_host_file(a[1]);
        int c = int(check("accept", husk_sys_accept4(s, nullptr, nullptr, 0)));
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            long got = check("recv", husk_sys_recvfrom(c, buf, sizeof buf, 0, nullptr, nullptr));
            if (got == 0)
                die("the client left before its request ended", 0);
            request.append(buf, size_t(got));
        }
        send_all(c, "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        finish(c);
        husk_sys_close(s);
        return 0;
    }
    if (mode == "refused" && n == 2) {
        sockaddr_in to {};
        to.sin_family = AF_INET;
        to.sin_port = htons(uint16_t(std::atoi(a[1])));
        if (inet_pton(AF_INET, a[0], &to.sin_addr) != 1)
            die("not an IPv4 address", 0);
        int s = int(check("socket", husk_sys_socket(AF_INET, SOCK_STREAM, 0)));
        long r = husk_sys_connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
        std::printf("connect: %s\n", r == 0 ? "accepted" : std::strerror(errno));
        return r != 0 && errno == ECONNREFUSED ? 0 : 1;
    }
    std::fprintf(stderr, "hosted-peer: bad mode or arguments: %s\n", mode.c_str());
    return 2;
}
