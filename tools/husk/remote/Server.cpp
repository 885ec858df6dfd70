#include "Server.h"
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <husk/husk.h>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "Protocol.h"
#include "Session.h"

namespace husk::remote {

namespace {
volatile sig_atomic_t g_stop;
void on_signal(int) { g_stop = 1; }

struct Connection {
    int fd;
    Session session;
};

void log_line(const char* fmt, const std::string& a, const std::string& b = "")
{
    std::fprintf(stderr, "husk server: ");
    std::fprintf(stderr, fmt, a.c_str(), b.c_str());
    std::fprintf(stderr, "\n");
}

int listen_on(const std::string& spec)
{
    if (spec.rfind("unix:", 0) == 0) {
        std::string path = spec.substr(5);
        sockaddr_un a {};
        if (path.empty() || path.size() >= sizeof a.sun_path)
            return -1;
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, path.c_str(), path.size());
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        unlink(path.c_str());
        mode_t old = umask(0177); // 0600: only the owner connects
        int r = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        umask(old);
        if (fd < 0 || r != 0 || listen(fd, 64) != 0)
            return -1;
        return fd;
    }
    if (spec.rfind("tcp:", 0) == 0) {
        std::string rest = spec.substr(4);
        size_t colon = rest.rfind(':');
        if (colon == std::string::npos)
            return -1;
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(std::stoi(rest.substr(colon + 1))));
        if (inet_pton(AF_INET, rest.substr(0, colon).c_str(), &a.sin_addr) != 1)
            return -1;
        if (a.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
            log_line("warning: listening on %s: anyone who reaches it can use the kernel", rest);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0)
            return -1;
        return fd;
    }
    return -1;
}

// Mounts, syncs and unmounts, in the kernel's own process.
bool mount_all(const ServerOptions& o)
{
    for (const Mount& m : o.mounts) {
        size_t index = 0;
        while (index < o.disks.size() && o.disks[index].key != m.key)
            ++index;
        std::string dev = "/dev/vd" + std::string(1, char('a' + index));
        std::string path;
        for (size_t i = 1; i <= m.mountpoint.size(); ++i) {
            if (i == m.mountpoint.size() || m.mountpoint[i] == '/') {
                path = m.mountpoint.substr(0, i);
                husk_sys_mkdir(path.c_str(), 0755);
            }
        }
        unsigned long flags = o.disks[index].read_only ? MS_RDONLY : 0;
        if (husk_sys_mount(dev.c_str(), m.mountpoint.c_str(), "ext2", flags, nullptr) != 0
            && !(errno == EROFS && husk_sys_mount(dev.c_str(), m.mountpoint.c_str(), "ext2", MS_RDONLY, nullptr) == 0)) {
            log_line("cannot mount %s at %s (husk ctl dmesg tells why)", m.key, m.mountpoint);
            return false;
        }
    }
    return true;
}

void unmount_all(const ServerOptions& o)
{
    husk_sys_sync();
    for (auto it = o.mounts.rbegin(); it != o.mounts.rend(); ++it)
        if (husk_sys_umount2(it->mountpoint.c_str(), 0) != 0)
            log_line("unmounting %s: %s (synced anyway)", it->mountpoint, std::strerror(errno));
}
} // namespace

int serve(const ServerOptions& o)
{
    // Like rump_server: detach, and the parent returns once serving. The
    // kernel boots in the child: its interfaces' threads and sockets must
    // belong to the process that stays.
    int ready[2] = { -1, -1 };
    if (!o.foreground) {
        if (pipe(ready) != 0)
            return 1;
        pid_t child = fork();
        if (child < 0)
            return 1;
        if (child > 0) {
            close(ready[1]);
            char ok = 0;
            bool served = read(ready[0], &ok, 1) == 1;
            if (served)
                std::printf("husk server: listening on %s (pid %d)\n", o.listen.c_str(), int(child));
            return served ? 0 : 1;
        }
        setsid();
        close(ready[0]);
    }
    for (const std::string& spec : o.interfaces) {
        char why[256] = "";
        if (husk_attach_net(spec.c_str(), why, sizeof why) < 0) {
            log_line("cannot attach the network interface %s: %s", spec, why);
            return 1;
        }
    }
    for (const Disk& d : o.disks) {
        char why[512] = "";
        if (husk_attach_disk(d.path.c_str(), d.read_only, why, sizeof why) < 0) {
            log_line("cannot attach disk %s: %s", d.key, why);
            return 1;
        }
    }
    if (husk_init(o.config.c_str()) != 0) {
        log_line("the kernel did not boot: %s", std::strerror(errno));
        return 1;
    }
    if (!mount_all(o))
        return 1;
    int listener = listen_on(o.listen);
    if (listener < 0) {
        log_line("cannot listen on %s: %s", o.listen, std::strerror(errno));
        return 1;
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    if (o.foreground) {
        std::printf("husk server: listening on %s\n", o.listen.c_str());
        std::fflush(stdout);
    } else {
        // Detached: nothing may hold the caller's terminal or pipes open.
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        (void)!write(ready[1], "1", 1);
        close(ready[1]);
    }
    std::map<int, Connection> connections;
    bool halt = false;
    while (!g_stop && !halt) {
        std::vector<pollfd> fds = { { listener, POLLIN, 0 } };
        for (auto& [fd, c] : connections)
            fds.push_back({ fd, short(POLLIN | (c.session.output().empty() ? 0 : POLLOUT)), 0 });
        // The kernel keeps running while the server waits (its network answers).
        if (husk_poll_host(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents & POLLIN) {
            int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0) {
                long pid = husk_process_create("remote");
                if (pid < 0) {
                    close(fd);
                } else {
                    connections.emplace(fd, Connection { fd, Session(pid) });
                }
            }
        }
        for (size_t i = 1; i < fds.size(); ++i) {
            auto it = connections.find(fds[i].fd);
            if (it == connections.end())
                continue;
            Connection& c = it->second;
            std::string& out = c.session.output();
            bool keep = true;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[65536];
                ssize_t n = read(c.fd, buf, sizeof buf);
                if (n > 0)
                    keep = c.session.feed(buf, size_t(n));
                else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                    keep = false;
                halt = halt || c.session.halted();
            }
            if (keep && !out.empty()) {
                ssize_t n = write(c.fd, out.data(), out.size());
                if (n > 0)
                    out.erase(0, size_t(n));
                else if (n < 0 && errno != EAGAIN && errno != EINTR)
                    keep = false;
            }
            if (c.session.halted() && keep) {
                // Deliver the halt's answer before stopping.
                int flags = fcntl(c.fd, F_GETFL);
                fcntl(c.fd, F_SETFL, flags & ~O_NONBLOCK);
                (void)!write(c.fd, out.data(), out.size());
            }
            if (!keep) {
                husk_process_destroy(c.session.pid()); // closes what the client left open
                close(c.fd);
                connections.erase(it);
            }
        }
    }
    for (auto& [fd, c] : connections) {
        husk_process_destroy(c.session.pid());
        close(fd);
    }
    unmount_all(o);
    if (o.listen.rfind("unix:", 0) == 0)
        unlink(o.listen.substr(5).c_str());
    return 0;
}

} // namespace husk::remote
