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
#include <sys/syscall.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "Protocol.h"

namespace husk::remote {

namespace {
volatile sig_atomic_t g_stop;
void on_signal(int) { g_stop = 1; }

// What a remote client may ask for: file and namespace calls, and system
// information. Anything that could block forever on something only another
// client could provide (pipes, poll, futex) or that concerns this process
// (exit, signals, memory) is refused with ENOSYS.
bool allowed(long nr)
{
    switch (nr) {
    case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_openat: case SYS_close:
    case SYS_lseek: case SYS_newfstatat: case SYS_fstat: case SYS_getdents64: case SYS_mkdirat: case SYS_unlinkat:
    case SYS_renameat: case SYS_renameat2: case SYS_symlinkat: case SYS_readlinkat: case SYS_linkat:
    case SYS_fchmodat: case SYS_fchmod: case SYS_fchownat: case SYS_utimensat: case SYS_ftruncate: case SYS_fsync:
    case SYS_fdatasync: case SYS_sync: case SYS_syncfs: case SYS_statfs: case SYS_fstatfs: case SYS_mount:
    case SYS_umount2: case SYS_syslog: case SYS_sysinfo: case SYS_uname: case SYS_getcwd: case SYS_chdir:
    case SYS_fchdir: case SYS_dup: case SYS_dup3: case SYS_fcntl: case SYS_faccessat: case SYS_getpid:
    case SYS_umask: case SYS_truncate:
        return true;
    default:
        return false;
    }
}

struct Connection {
    int fd = -1;
    long pid = 0;
    bool greeted = false;
    std::string in, out;
};

void log_line(const char* fmt, const std::string& a, const std::string& b = "")
{
    std::fprintf(stderr, "husk server: ");
    std::fprintf(stderr, fmt, a.c_str(), b.c_str());
    std::fprintf(stderr, "\n");
}

// Runs one complete request (header + body) and appends the response.
// False on a malformed request: the connection is dropped.
bool execute(Connection& c, const Request& req, const char* body, bool& halt)
{
    if (req.segments > kMaxSegments || req.length < req.segments * sizeof(Segment))
        return false;
    Segment segs[kMaxSegments];
    std::memcpy(segs, body, req.segments * sizeof(Segment));
    const char* data = body + req.segments * sizeof(Segment);
    size_t data_len = req.length - req.segments * sizeof(Segment);
    uint64_t total = 0, in_total = 0;
    unsigned used_args = 0;
    for (uint32_t i = 0; i < req.segments; ++i) {
        const Segment& s = segs[i];
        if (s.arg >= 6 || (used_args & (1u << s.arg)) || !s.flags || (s.flags & ~(kIn | kOut | kOutCount))
            || ((s.flags & kOutCount) && !(s.flags & kOut)) || s.reserved)
            return false;
        used_args |= 1u << s.arg;
        total += s.length;
        if (s.flags & kIn)
            in_total += s.length;
    }
    if (total > kMaxBytes || in_total != data_len)
        return false;
    Response resp {};
    std::vector<std::vector<char>> buffers(req.segments);
    uint64_t args[6];
    std::memcpy(args, req.args, sizeof args);
    if (req.nr == kOpHalt) {
        halt = true;
        resp.result = 0;
    } else if (!allowed(long(req.nr))) {
        resp.result = -ENOSYS;
    } else {
        size_t at = 0;
        for (uint32_t i = 0; i < req.segments; ++i) {
            buffers[i].assign(segs[i].length + 1, 0); // +1: a pointer even for empty buffers
            if (segs[i].flags & kIn) {
                std::memcpy(buffers[i].data(), data + at, segs[i].length);
                at += segs[i].length;
            }
            args[segs[i].arg] = reinterpret_cast<uint64_t>(buffers[i].data());
        }
        resp.result = husk_syscall_as(c.pid, long(req.nr), long(args[0]), long(args[1]), long(args[2]), long(args[3]),
                                      long(args[4]), long(args[5]));
    }
    std::string payload;
    if (resp.result >= 0) {
        for (uint32_t i = 0; i < req.segments; ++i) {
            if (!(segs[i].flags & kOut))
                continue;
            size_t n = segs[i].length;
            if ((segs[i].flags & kOutCount) && uint64_t(resp.result) < n)
                n = size_t(resp.result);
            payload.append(buffers[i].data(), n);
        }
    }
    resp.length = uint32_t(payload.size());
    c.out.append(reinterpret_cast<const char*>(&resp), sizeof resp);
    c.out += payload;
    return true;
}

// Consumes what complete frames the connection has buffered.
bool process(Connection& c, bool& halt)
{
    if (!c.greeted) {
        if (c.in.size() < sizeof(Hello))
            return true;
        Hello h;
        std::memcpy(&h, c.in.data(), sizeof h);
        if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kVersion)
            return false;
        c.in.erase(0, sizeof h);
        c.greeted = true;
        Hello reply {};
        std::memcpy(reply.magic, kMagic, sizeof kMagic);
        reply.version = kVersion;
        reply.pid = uint32_t(c.pid);
        c.out.append(reinterpret_cast<const char*>(&reply), sizeof reply);
    }
    while (c.in.size() >= sizeof(Request)) {
        Request req;
        std::memcpy(&req, c.in.data(), sizeof req);
        if (req.length > kMaxBytes + kMaxSegments * sizeof(Segment))
            return false;
        if (c.in.size() < sizeof req + req.length)
            return true; // wait for the rest
        if (!execute(c, req, c.in.data() + sizeof req, halt))
            return false;
        c.in.erase(0, sizeof req + req.length);
        if (halt)
            return true;
    }
    return true;
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
    for (const Disk& d : o.disks) {
        if (husk_attach_hostfile(d.path.c_str(), d.read_only) < 0) {
            log_line("cannot attach %s: %s", d.path, std::strerror(errno));
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
    int ready[2] = { -1, -1 };
    if (!o.foreground) {
        // Like rump_server: detach, and the parent returns once serving.
        if (pipe(ready) != 0)
            return 1;
        pid_t child = fork();
        if (child > 0) {
            close(ready[1]);
            char ok = 0;
            bool served = read(ready[0], &ok, 1) == 1;
            std::printf("husk server: listening on %s (pid %d)\n", o.listen.c_str(), int(child));
            return served ? 0 : 1;
        }
        if (child < 0)
            return 1;
        setsid();
        close(ready[0]);
        // Detached: nothing may hold the caller's terminal or pipes open.
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    if (o.foreground)
        std::printf("husk server: listening on %s\n", o.listen.c_str());
    std::fflush(stdout);
    if (ready[1] >= 0) {
        (void)!write(ready[1], "1", 1);
        close(ready[1]);
    }
    std::map<int, Connection> connections;
    bool halt = false;
    while (!g_stop && !halt) {
        std::vector<pollfd> fds = { { listener, POLLIN, 0 } };
        for (auto& [fd, c] : connections)
            fds.push_back({ fd, short(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0 });
        if (poll(fds.data(), fds.size(), -1) < 0) {
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
                    connections[fd] = Connection { fd, pid, false, {}, {} };
                }
            }
        }
        for (size_t i = 1; i < fds.size(); ++i) {
            auto it = connections.find(fds[i].fd);
            if (it == connections.end())
                continue;
            Connection& c = it->second;
            bool keep = true;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[65536];
                ssize_t n = read(c.fd, buf, sizeof buf);
                if (n > 0) {
                    c.in.append(buf, size_t(n));
                    if (c.in.size() > 2 * kMaxBytes)
                        keep = false;
                    else
                        keep = process(c, halt);
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    keep = false;
                }
            }
            if (keep && !c.out.empty()) {
                ssize_t n = write(c.fd, c.out.data(), c.out.size());
                if (n > 0)
                    c.out.erase(0, size_t(n));
                else if (n < 0 && errno != EAGAIN && errno != EINTR)
                    keep = false;
            }
            if (halt && keep) {
                // Deliver the halt's answer before stopping (bounded wait).
                int flags = fcntl(c.fd, F_GETFL);
                fcntl(c.fd, F_SETFL, flags & ~O_NONBLOCK);
                (void)!write(c.fd, c.out.data(), c.out.size());
            }
            if (!keep) {
                husk_process_destroy(c.pid); // closes what the client left open
                close(c.fd);
                connections.erase(it);
            }
        }
    }
    for (auto& [fd, c] : connections) {
        husk_process_destroy(c.pid);
        close(fd);
    }
    unmount_all(o);
    if (o.listen.rfind("unix:", 0) == 0)
        unlink(o.listen.substr(5).c_str());
    return 0;
}

} // namespace husk::remote
