#include "Server.h"
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <husk/husk.h>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "Address.h"
#include "Protocol.h"
#include "Ring.h"
#include "Session.h"
#include "Token.h"

namespace husk::remote {

namespace {
volatile sig_atomic_t g_stop;
void on_signal(int) { g_stop = 1; }

struct Connection {
    int fd;
    Session session;
    size_t sent; // of session.output()
    std::unique_ptr<ServerRing> ring; // a local client's shared ring (Ring.h)
    bool pass_ring = false;           // its descriptors go with the greeting's answer
};

// Shared rings are for unix clients, and at most this many at once: each
// may hold kRingBytes of memory.
constexpr size_t kMaxRings = 64;
// While ring requests follow each other, the sockets are polled at least this often.
constexpr uint64_t kRingBurstNs = 20'000;
size_t g_rings;

void log_line(const char* fmt, const std::string& a, const std::string& b = "")
{
    std::fprintf(stderr, "husk server: ");
    std::fprintf(stderr, fmt, a.c_str(), b.c_str());
    std::fprintf(stderr, "\n");
}

// A unix socket path is only ever a socket of ours to replace: anything
// else there (a file, the disk image itself) stays, and so does a socket a
// live server answers on; a stale one (connection refused) is replaced.
std::string claim_socket_path(const std::string& path, const sockaddr_un& a)
{
    struct stat st;
    if (lstat(path.c_str(), &st) != 0)
        return errno == ENOENT ? "" : "'" + path + "': " + std::strerror(errno);
    if (!S_ISSOCK(st.st_mode))
        return "'" + path + "' exists and is not a socket (it is left as it is)";
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int r = probe < 0 ? -1 : connect(probe, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    int why = errno;
    if (probe >= 0)
        close(probe);
    if (r == 0)
        return "a server already listens on '" + path + "'";
    if (why != ECONNREFUSED)
        return "cannot tell whether a server listens on '" + path + "': " + std::strerror(why);
    unlink(path.c_str()); // stale: its server is gone
    return "";
}

// Binds and listens; for tcp:HOST:0 the address gets the port the kernel chose.
int listen_on(Address& address, std::string& why)
{
    int fd = -1;
    if (address.is_unix) {
        sockaddr_un a {};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, address.path.c_str(), address.path.size());
        if (why = claim_socket_path(address.path, a); !why.empty())
            return -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        mode_t old = umask(0177); // 0600: only the owner connects
        int r = fd < 0 ? -1 : bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        umask(old);
        if (r != 0 || listen(fd, 64) != 0) {
            why = std::strerror(errno);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    if (address.inet.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        log_line("warning: listening on %s: anyone who reaches it over the network can try to connect", address.text());
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    socklen_t length = sizeof address.inet;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || bind(fd, reinterpret_cast<sockaddr*>(&address.inet), sizeof address.inet) != 0 || listen(fd, 64) != 0
        || getsockname(fd, reinterpret_cast<sockaddr*>(&address.inet), &length) != 0) {
        why = std::strerror(errno);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

// Tells a client why it is not served (a refusal Hello), then closes.
void refuse(int fd, Refusal reason)
{
    Hello h {};
    std::memcpy(h.magic, kRefusedMagic, sizeof h.magic);
    h.version = kVersion;
    h.pid = reason;
    (void)!send(fd, &h, sizeof h, MSG_NOSIGNAL | MSG_DONTWAIT);
    // What the client sent unread would turn the close into a reset that may
    // overtake the refusal.
    char drain[256];
    while (recv(fd, drain, sizeof drain, MSG_DONTWAIT) > 0) {
    }
    close(fd);
}

// The file system type a host image holds, by its contents: ISO 9660's
// "CD001" at sector 16 (2048-byte sectors), else ext2/3/4.
const char* type_of_image(const std::string& path)
{
    char id[5] = {};
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    bool iso = fd >= 0 && pread(fd, id, sizeof id, 16 * 2048 + 1) == 5 && std::memcmp(id, "CD001", 5) == 0;
    if (fd >= 0)
        close(fd);
    return iso ? "iso9660" : "ext2";
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
        const char* type = type_of_image(o.disks[index].path);
        unsigned long flags = o.disks[index].read_only || type[0] == 'i' ? MS_RDONLY : 0;
        if (husk_sys_mount(dev.c_str(), m.mountpoint.c_str(), type, flags, nullptr) != 0
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

namespace {
// All connections' buffered requests and replies together; beyond it only
// connections holding nothing are read, so a few clients that never read
// their replies cannot exhaust the host while the others are served.
constexpr size_t kTotalBound = 256u << 20;

struct Listener {
    int fd = -1;
    Address address;
    std::string token, token_file; // tcp without --insecure
};

void accept_one(const Listener& l, std::map<int, Connection>& connections, size_t max_connections, int& spare)
{
    int fd = accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        // Out of descriptors: the spare one lets the client hear why.
        if ((errno == EMFILE || errno == ENFILE) && spare >= 0) {
            close(spare);
            if ((fd = accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
                refuse(fd, kRefusedConnections);
            spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
        }
        return;
    }
    if (connections.size() >= max_connections)
        return refuse(fd, kRefusedConnections);
    long pid = husk_process_create("remote");
    if (pid < 0)
        return refuse(fd, kRefusedProcesses);
    auto it = connections.emplace(fd, Connection { fd, Session(pid), 0, nullptr }).first;
    if (!l.address.is_unix)
        it->second.session.expect_auth(l.token);
    else
        it->second.session.offer_ring([&c = it->second] {
            if (g_rings >= kMaxRings)
                return false;
            auto ring = std::make_unique<ServerRing>();
            if (std::string why = ring->create(); !why.empty()) {
                log_line("no shared ring for a client: %s", why);
                return false;
            }
            c.ring = std::move(ring);
            c.pass_ring = true;
            ++g_rings;
            return true;
        });
}

// The greeting's answer carries the ring's memfd and doorbell (SCM_RIGHTS).
ssize_t send_with_ring(Connection& c, const char* data, size_t length)
{
    int fds[2] = { c.ring->memfd(), c.ring->doorbell() };
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    iovec iov { const_cast<char*>(data), length };
    msghdr m {};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    cmsghdr* h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(h), fds, sizeof fds);
    ssize_t n = sendmsg(c.fd, &m, MSG_NOSIGNAL);
    if (n > 0)
        c.pass_ring = false;
    return n;
}

// Sends what it can of the connection's replies; false when the client is gone.
bool send_some(Connection& c)
{
    std::string& out = c.session.output();
    if (c.sent == out.size())
        return true;
    ssize_t n = c.pass_ring ? send_with_ring(c, out.data() + c.sent, out.size() - c.sent)
                            : write(c.fd, out.data() + c.sent, out.size() - c.sent);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    c.sent += size_t(n);
    if (c.sent == out.size()) {
        c.sent = 0;
        if (out.capacity() > (1u << 20))
            std::string().swap(out); // an idle connection holds no large buffer
        else
            out.clear();
    } else if (c.sent > (1u << 20)) {
        out.erase(0, c.sent);
        c.sent = 0;
    }
    return true;
}

void remove_traces(const Listener& l)
{
    if (l.address.is_unix)
        unlink(l.address.path.c_str());
    if (!l.token_file.empty())
        unlink(l.token_file.c_str());
}
} // namespace

int serve(const ServerOptions& o)
{
    // Like rump_server: detach, and the parent returns once serving. The
    // kernel boots in the child: its interfaces' threads and sockets must
    // belong to the process that stays.
    int ready[2] = { -1, -1 };
    if (!o.foreground) {
        if (pipe2(ready, O_CLOEXEC) != 0)
            return 1;
        pid_t child = fork();
        if (child < 0)
            return 1;
        if (child > 0) {
            close(ready[1]);
            // The child says where it listens (the port tcp:HOST:0 got) and
            // the token file, in one line; nothing when it failed.
            std::string said;
            char c;
            for (ssize_t n; (n = read(ready[0], &c, 1)) > 0 || (n < 0 && errno == EINTR);)
                if (n > 0 && c == '\n')
                    break;
                else if (n > 0)
                    said += c;
            if (said.empty())
                return 1;
            size_t tab = said.find('\t');
            std::printf("husk server: listening on %s (pid %d)\n", said.substr(0, tab).c_str(), int(child));
            if (tab != std::string::npos)
                std::printf("husk server: clients present the token in %s (--token-file or HUSK_TOKEN_FILE)\n",
                            said.substr(tab + 1).c_str());
            return 0;
        }
        setsid();
        close(ready[0]);
    }
    // Listening comes first: a path in use or a bad address stops the
    // server before it touches a disk.
    Listener l;
    std::string why = parse_address(o.listen, l.address, true);
    if (why.empty())
        l.fd = listen_on(l.address, why);
    if (l.fd < 0) {
        log_line("cannot listen on %s: %s", o.listen, why);
        return 1;
    }
    if (!l.address.is_unix && o.insecure) {
        log_line("warning: %s takes clients without a token (--insecure): every local user, and anyone who "
                 "reaches the port, can read, write and delete the served files as root in the kernel",
                 l.address.text());
    } else if (!l.address.is_unix) {
        l.token_file = o.token_file.empty() ? default_token_file(l.address) : o.token_file;
        if (std::string problem = create_token_file(l.token_file, l.token); !problem.empty()) {
            l.token_file.clear();
            log_line("%s", problem);
            remove_traces(l);
            return 1;
        }
    }
    auto fail = [&](int status) {
        remove_traces(l);
        return status;
    };
    for (const std::string& spec : o.interfaces) {
        char why[256] = "";
        if (husk_attach_net(spec.c_str(), why, sizeof why) < 0) {
            log_line("cannot attach the network interface %s: %s", spec, why);
            return fail(1);
        }
    }
    for (const Disk& d : o.disks) {
        char why[512] = "";
        if (husk_attach_disk(d.path.c_str(), d.read_only, why, sizeof why) < 0) {
            log_line("cannot attach disk %s: %s", d.key, why);
            return fail(1);
        }
    }
    if (husk_init(o.config.c_str()) != 0) {
        log_line("the kernel did not boot: %s", std::strerror(errno));
        return fail(1);
    }
    if (!mount_all(o))
        return fail(1);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    // Each connection is a descriptor: as many as the hard limit allows.
    rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    int spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::string where = l.address.text() + (l.token_file.empty() ? "" : "\t" + l.token_file) + "\n";
    if (o.foreground) {
        std::printf("husk server: listening on %s\n", l.address.text().c_str());
        if (!l.token_file.empty())
            std::printf("husk server: clients present the token in %s (--token-file or HUSK_TOKEN_FILE)\n",
                        l.token_file.c_str());
        std::fflush(stdout);
    } else {
        // Detached: nothing may hold the caller's terminal or pipes open.
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        (void)!write(ready[1], where.data(), where.size());
        close(ready[1]);
    }
    std::map<int, Connection> connections;
    bool halt = false;
    std::vector<pollfd> fds;
    std::string frame; // a ring request's private copy
    bool ring_served = false; // in the last round
    uint64_t polled_at = 0;   // when the sockets were last polled
    Spinner spinner;
    auto drop = [&](std::map<int, Connection>::iterator it) {
        Connection& c = it->second;
        send_some(c); // a refusal, when there is one
        husk_process_destroy(c.session.pid()); // closes what the client left open
        close(c.fd);
        if (c.ring)
            --g_rings;
        connections.erase(it);
    };
    while (!g_stop && !halt) {
        size_t total = 0;
        for (auto& [fd, c] : connections)
            total += c.session.buffered();
        fds.assign(1, { l.fd, POLLIN, 0 });
        bool runnable = false;
        for (auto& [fd, c] : connections) {
            bool read = c.session.wants_input() && !(total > kTotalBound && c.session.buffered() > 0);
            bool write = c.sent < c.session.output().size();
            runnable = runnable || c.session.can_resume();
            fds.push_back({ fd, short((read ? POLLIN : 0) | (write ? POLLOUT : 0)), 0 });
        }
        size_t first_bell = fds.size();
        for (auto& [fd, c] : connections)
            if (c.ring)
                fds.push_back({ c.ring->doorbell(), POLLIN, 0 });
        // Requests held back for room run again at once, or, while the
        // server is short of room, when it may have some.
        int timeout = !runnable ? -1 : total > kTotalBound ? 100 : 0;
        bool ring_ready = false;
        if (timeout != 0 && first_bell < fds.size()) {
            // A ring client that just had an answer usually asks again at
            // once: spin a little for it rather than sleep and be woken.
            auto any_pending = [&] {
                for (auto& [fd, c] : connections)
                    if (c.ring && c.ring->pending())
                        return true;
                return false;
            };
            if (ring_served) {
                uint64_t start = ring_now_ns(), budget = spinner.budget();
                for (unsigned i = 0; budget && !any_pending(); ++i) {
                    ring_pause();
                    if ((i & 15) == 15 && ring_now_ns() - start > budget)
                        break;
                }
                if (budget)
                    spinner.caught(ring_ready = any_pending());
            }
            for (auto& [fd, c] : connections)
                if (c.ring && c.ring->going_to_sleep())
                    timeout = 0, ring_ready = true;
        }
        ring_served = false;
        int polled = 0;
        if (ring_ready && ring_now_ns() - polled_at < kRingBurstNs) {
            // A ring request is ready and the sockets were looked at a
            // moment ago: serve it without a system call.
            for (pollfd& p : fds)
                p.revents = 0;
        } else {
            // The kernel keeps running while the server waits (its network answers).
            polled = husk_poll_host(fds.data(), fds.size(), timeout);
            polled_at = ring_now_ns();
        }
        for (auto& [fd, c] : connections)
            if (c.ring)
                c.ring->woke();
        if (polled < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents & POLLIN)
            accept_one(l, connections, o.max_connections, spare);
        for (size_t i = first_bell; i < fds.size(); ++i)
            if (fds[i].revents & POLLIN)
                for (auto& [fd, c] : connections)
                    if (c.ring && c.ring->doorbell() == fds[i].fd)
                        c.ring->drain_doorbell();
        for (size_t i = 1; i < first_bell; ++i) {
            auto it = connections.find(fds[i].fd);
            if (it == connections.end())
                continue;
            Connection& c = it->second;
            total -= c.session.buffered();
            bool keep = true;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[65536];
                ssize_t n = read(c.fd, buf, sizeof buf);
                if (n > 0)
                    keep = c.session.feed(buf, size_t(n), total > kTotalBound);
                else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                    keep = false;
                halt = halt || c.session.halted();
            }
            if (keep)
                keep = send_some(c);
            // Requests held back while replies piled up run once they are sent.
            if (keep && c.session.can_resume()) {
                keep = c.session.resume(total > kTotalBound);
                halt = halt || c.session.halted();
            }
            // A request in the shared ring: copied out, checked, run, answered there.
            if (keep && !c.session.halted() && c.ring && !c.pass_ring && c.ring->pending()) {
                keep = c.ring->take(frame) && c.session.execute_in_ring(frame, c.ring->data(), kRingDataBytes);
                if (keep)
                    c.ring->answered();
                ring_served = true;
            }
            if (c.session.halted() && keep)
                continue; // answered once the disks are synced and unmounted
            if (!keep)
                drop(it);
            else
                total += c.session.buffered();
        }
    }
    std::vector<Connection*> halting;
    for (auto& [fd, c] : connections) {
        husk_process_destroy(c.session.pid());
        if (c.session.halted())
            halting.push_back(&c);
        else
            close(fd);
    }
    unmount_all(o);
    remove_traces(l);
    // The halt's answer says the data is on the images: a client may read
    // them (debugfs, e2fsck) as soon as it returns.
    for (Connection* c : halting) {
        int flags = fcntl(c->fd, F_GETFL);
        fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
        std::string& out = c->session.output();
        (void)!write(c->fd, out.data() + c->sent, out.size() - c->sent);
        close(c->fd);
    }
    return 0;
}

} // namespace husk::remote
