// A hostile local client against husk server's shared ring
// (docs/remote-protocol.md, "Shared ring"): the ring is sealed, requests
// that lie about their length, bytes changed while the server reads them,
// garbage and the server's own operations through the ring close that
// connection only; the server goes on serving others, whose calls through
// their rings give the right answers.
// Usage: ring_hostile HUSK_BINARY
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <string>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include "../../tools/husk/remote/Client.h"
#include "../../tools/husk/remote/Protocol.h"
#include "../../tools/husk/remote/Ring.h"

using namespace husk::remote;

namespace {
int failures;
void check(bool ok, const char* what)
{
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
}

// A raw version 3 connection with the ring mapped.
struct Raw {
    int fd = -1, memfd = -1, bell = -1;
    char* map = nullptr;
    RingHeader* h() { return reinterpret_cast<RingHeader*>(map); }
    char* data() { return map + kRingHeaderBytes; }
    bool open(const std::string& path)
    {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a {};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            return false;
        Hello hello {};
        std::memcpy(hello.magic, kMagic, sizeof hello.magic);
        hello.version = 3;
        hello.pid = kWantRing;
        if (write(fd, &hello, sizeof hello) != sizeof hello)
            return false;
        char reply[sizeof(Hello) + sizeof(RingOffer)];
        alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
        iovec iov { reply, sizeof reply };
        msghdr m {};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        if (recvmsg(fd, &m, MSG_WAITALL) != sizeof reply)
            return false;
        cmsghdr* c = CMSG_FIRSTHDR(&m);
        if (!c || c->cmsg_type != SCM_RIGHTS)
            return false;
        int fds[2];
        std::memcpy(fds, CMSG_DATA(c), sizeof fds);
        memfd = fds[0];
        bell = fds[1];
        void* p = mmap(nullptr, kRingBytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
        map = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
        return map != nullptr;
    }
    void post(uint32_t seq)
    {
        h()->request_seq.store(seq);
        (void)!eventfd_write(bell, 1);
    }
    bool answered(uint32_t seq)
    {
        for (int i = 0; i < 5000; ++i) {
            if (h()->response_seq.load() == seq)
                return true;
            usleep(1000);
        }
        return false;
    }
    // The server closed the connection (within 5 s).
    bool closed()
    {
        pollfd p { fd, POLLIN, 0 };
        char c;
        return poll(&p, 1, 5000) == 1 && read(fd, &c, 1) == 0;
    }
    ~Raw()
    {
        if (map)
            munmap(map, kRingBytes);
        for (int f : { fd, memfd, bell })
            if (f >= 0)
                close(f);
    }
};

void put_request(char* d, long nr, uint32_t length = 0, uint32_t segments = 0)
{
    Request r {};
    r.nr = nr;
    r.length = length;
    r.segments = segments;
    std::memcpy(d, &r, sizeof r);
}

bool server_serves(const std::string& sock)
{
    Client c;
    if (!Client::connect("unix:" + sock, c).empty() || !c.has_ring())
        return false;
    // A round trip through the ring with data both ways.
    std::string path = "/ring-check";
    long fd = c.call(SYS_openat, { uint64_t(AT_FDCWD), 0, uint64_t(O_RDWR | O_CREAT | O_TRUNC), 0644 },
                     { { 1, kIn, path.data(), path.size() + 1 } });
    std::string text(300000, 'r');
    for (size_t i = 0; i < text.size(); ++i)
        text[i] = char('a' + i % 26);
    long w = c.call(SYS_pwrite64, { uint64_t(fd), 0, text.size(), 0 }, { { 1, kIn, text.data(), text.size() } });
    std::string back(text.size(), 0);
    long r = c.call(SYS_pread64, { uint64_t(fd), 0, back.size(), 0 }, { { 1, kOut | kOutCount, back.data(), back.size() } });
    c.call(SYS_close, { uint64_t(fd) });
    return fd >= 0 && w == long(text.size()) && r == long(text.size()) && back == text;
}
} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: ring_hostile HUSK_BINARY\n");
        return 2;
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-ring-XXXXXX";
    if (!mkdtemp(dir.data()))
        return 1;
    std::string sock = dir + "/s.sock";
    if (std::system((std::string(argv[1]) + " server --listen unix:" + sock + " --config mem=64 >/dev/null").c_str()) != 0) {
        std::fprintf(stderr, "ring_hostile: cannot start the server\n");
        return 1;
    }
    check(server_serves(sock), "a client's calls through its ring give the right answers");
    {
        Raw r;
        check(r.open(sock), "a version 3 greeting is answered with a ring");
        check(ftruncate(r.memfd, 4096) != 0 && errno == EPERM, "the ring cannot be shrunk");
        check(ftruncate(r.memfd, off_t(kRingBytes) * 2) != 0 && errno == EPERM, "the ring cannot be grown");
        check(fcntl(r.memfd, F_ADD_SEALS, 0) != 0, "the seals cannot be changed");
        put_request(r.data(), SYS_getpid);
        r.post(1);
        Response resp {};
        if (r.answered(1))
            std::memcpy(&resp, r.data(), sizeof resp);
        check(resp.result > 1, "a getpid through a raw ring");
        put_request(r.data(), SYS_getpid, 0xffffffffu);
        r.post(2);
        check(r.closed(), "a request longer than the ring closes the connection");
    }
    {
        Raw r;
        r.open(sock);
        put_request(r.data(), kOpHalt);
        r.post(1);
        check(r.closed(), "the server's own operations through the ring close the connection");
    }
    {
        // Requests whose bytes change while the server reads them.
        Raw r;
        r.open(sock);
        std::atomic<bool> stop = false;
        std::thread scribbler([&] {
            std::mt19937 random(27);
            while (!stop) {
                size_t at = random() % 256;
                r.data()[at] = char(random());
                if (random() % 8 == 0)
                    put_request(r.data(), SYS_read, random() % 2 ? uint32_t(random()) : 16, random() % 8);
            }
        });
        bool gone = false;
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        for (uint32_t seq = 1; !gone && std::chrono::steady_clock::now() < until; ++seq) {
            r.post(seq);
            pollfd p { r.fd, POLLIN, 0 };
            gone = poll(&p, 1, 1) == 1;
        }
        stop = true;
        scribbler.join();
        check(true, "requests changed while they are read");
    }
    check(server_serves(sock), "the server serves new clients after all of that");
    Client c;
    if (Client::connect("unix:" + sock, c).empty())
        c.call(kOpHalt, {});
    sleep(1);
    std::system(("rm -rf " + dir).c_str());
    std::printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
