// bench/remote: the cost of using a kernel through husk server, in one run,
// against the host kernel doing the same and against the physical floor of
// the transport — a plain unix-socket echo server answering the same
// requests (same sizes in and out) without doing anything:
//   a null request's round trip (getpid), cat of a 64 MiB file (1 MiB reads),
//   cp of 1 000 small files (open, write 4 KiB, close).
// Each through the shared ring (the default for a local client) and through
// the socket alone. The anchor is rump's remote syscalls: microseconds per
// call over a unix socket. Medians of several rounds.
// Usage: bench_remote HUSK_BINARY
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>
#include "../../tools/husk/remote/Client.h"

using namespace husk::remote;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The median time of `rounds` runs of f.
double median_of(int rounds, const std::function<void()>& f)
{
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
        auto start = Clock::now();
        f();
        t.push_back(seconds_since(start));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

long kopen(Client& c, const std::string& p, int flags, int mode = 0644)
{
    return c.call(SYS_openat, { uint64_t(AT_FDCWD), 0, uint64_t(flags), uint64_t(mode) },
                  { { 1, kIn, const_cast<char*>(p.c_str()), p.size() + 1 } });
}

bool full_io(bool out, int fd, char* p, size_t n)
{
    while (n) {
        ssize_t r = out ? write(fd, p, n) : read(fd, p, n);
        if (r <= 0)
            return false;
        p += r;
        n -= size_t(r);
    }
    return true;
}

// The floor: a process that reads { in, out } and `in` bytes, then answers
// `out` bytes — a request and its reply over a unix socket, nothing else.
struct Echo {
    int fd = -1;
    pid_t pid = -1;
    std::vector<char> buf = std::vector<char>(2u << 20);
    void start()
    {
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
        if ((pid = fork()) == 0) {
            close(sv[0]);
            uint64_t h[2];
            while (full_io(false, sv[1], reinterpret_cast<char*>(h), sizeof h) && full_io(false, sv[1], buf.data(), h[0])
                   && full_io(true, sv[1], buf.data(), h[1])) {
            }
            _exit(0);
        }
        close(sv[1]);
        fd = sv[0];
    }
    void round_trip(size_t in, size_t out)
    {
        uint64_t h[2] = { in, out };
        std::memcpy(buf.data(), h, sizeof h);
        full_io(true, fd, buf.data(), sizeof h + in);
        full_io(false, fd, buf.data(), out);
    }
    ~Echo()
    {
        close(fd);
        waitpid(pid, nullptr, 0);
    }
};

constexpr int kCalls = 20000, kRounds = 5, kFiles = 1000;
constexpr size_t kBig = 64u << 20, kChunk = 1u << 20;

struct Figures {
    double null_s, cat_s, cp_s;
};

Figures measure(Client& c, const std::string& tag)
{
    Figures f {};
    f.null_s = median_of(kRounds, [&] {
                   for (int i = 0; i < kCalls / kRounds; ++i)
                       c.call(SYS_getpid, {});
               })
               / (kCalls / kRounds);
    std::vector<char> buf(kChunk);
    size_t got = 0;
    f.cat_s = median_of(3, [&] {
        got = 0;
        long fd = kopen(c, "/data/big", O_RDONLY);
        for (long n; (n = c.call(SYS_read, { uint64_t(fd), 0, kChunk }, { { 1, kOut | kOutCount, buf.data(), kChunk } })) > 0;)
            got += size_t(n);
        c.call(SYS_close, { uint64_t(fd) });
    });
    if (got != kBig)
        std::printf("%s: read %zu of %zu bytes (SHORT READ)\n", tag.c_str(), got, kBig);
    std::vector<char> small(4096, 's');
    std::string dir = "/data/many-" + tag;
    c.call(SYS_mkdirat, { uint64_t(AT_FDCWD), 0, 0755 }, { { 1, kIn, dir.data(), dir.size() + 1 } });
    auto t = Clock::now();
    for (int i = 0; i < kFiles; ++i) {
        long fd = kopen(c, dir + "/f" + std::to_string(i), O_WRONLY | O_CREAT | O_TRUNC);
        c.call(SYS_write, { uint64_t(fd), 0, small.size() }, { { 1, kIn, small.data(), small.size() } });
        c.call(SYS_close, { uint64_t(fd) });
    }
    f.cp_s = seconds_since(t);
    return f;
}
} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_remote HUSK_BINARY\n");
        return 2;
    }
    char dir[] = "/tmp/husk-bench-remote-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    std::string work = dir, sock = work + "/s.sock", image = work + "/disk.img";
    std::string cmd = "mke2fs -q -F -t ext2 " + image + " 256M >/dev/null 2>&1 && " + argv[1]
                      + " server -d key=disk,hostpath=" + image + " -m disk:/data --listen unix:" + sock
                      + " --config 'mem=256 bcache_mib=96' >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "bench_remote: cannot start the server\n");
        return 1;
    }
    Client ring, plain;
    Client::Options no_ring;
    no_ring.ring = false;
    if (std::string why = Client::connect("unix:" + sock, ring); !why.empty()) {
        std::fprintf(stderr, "bench_remote: %s\n", why.c_str());
        return 1;
    }
    if (std::string why = Client::connect("unix:" + sock, plain, no_ring); !why.empty()) {
        std::fprintf(stderr, "bench_remote: %s\n", why.c_str());
        return 1;
    }
    if (!ring.has_ring())
        std::printf("the server offered no shared ring: both rows use the socket\n");

    // The 64 MiB file, written through the server and on the host.
    std::vector<char> buf(kChunk, 'x');
    long fd = kopen(ring, "/data/big", O_WRONLY | O_CREAT | O_TRUNC);
    size_t written = 0;
    for (size_t done = 0; done < kBig; done += kChunk) {
        long w = ring.call(SYS_write, { uint64_t(fd), 0, kChunk }, { { 1, kIn, buf.data(), kChunk } });
        written += w > 0 ? size_t(w) : 0;
    }
    ring.call(SYS_close, { uint64_t(fd) });
    if (written != kBig)
        std::printf("write through the server: %zu of %zu bytes (fd %ld)\n", written, kBig, fd);
    std::string host_big = work + "/big";
    int hfd = open(host_big.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (size_t done = 0; done < kBig; done += kChunk)
        (void)!write(hfd, buf.data(), kChunk);
    close(hfd);

    // The host kernel.
    Figures host {};
    host.null_s = median_of(kRounds, [] {
                      for (int i = 0; i < kCalls; ++i)
                          syscall(SYS_getpid);
                  })
                  / kCalls;
    size_t hgot = 0;
    host.cat_s = median_of(3, [&] {
        hgot = 0;
        int f = open(host_big.c_str(), O_RDONLY);
        for (ssize_t n; (n = read(f, buf.data(), kChunk)) > 0;)
            hgot += size_t(n);
        close(f);
    });
    std::string hmany = work + "/many";
    mkdir(hmany.c_str(), 0755);
    auto t = Clock::now();
    std::vector<char> small(4096, 's');
    for (int i = 0; i < kFiles; ++i) {
        int f = open((hmany + "/f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        (void)!write(f, small.data(), small.size());
        close(f);
    }
    host.cp_s = seconds_since(t);

    // The floor: the same round trips to a unix-socket echo server.
    Figures floor {};
    {
        Echo e;
        e.start();
        floor.null_s = median_of(kRounds, [&] {
                           for (int i = 0; i < kCalls / kRounds; ++i)
                               e.round_trip(64, 16);
                       })
                       / (kCalls / kRounds);
        floor.cat_s = median_of(3, [&] {
            for (size_t done = 0; done < kBig; done += kChunk)
                e.round_trip(64 + 16, 16 + kChunk);
        });
        t = Clock::now();
        for (int i = 0; i < kFiles; ++i) {
            e.round_trip(64 + 16 + 32, 16);
            e.round_trip(64 + 16 + 4096, 16);
            e.round_trip(64, 16);
        }
        floor.cp_s = seconds_since(t);
    }

    Figures shm = measure(ring, "ring"), sock_only = measure(plain, "socket");
    std::printf("host getpid %.3f us, unix-socket echo round trip (the floor) %.2f us\n", host.null_s * 1e6,
                floor.null_s * 1e6);
    auto row = [&](const char* name, const Figures& f) {
        std::printf("%-7s null request %.2f us (%.0fx the host's time, %.2fx the floor's); cat 64 MiB %.0f MB/s (%.2f of "
                    "the host's, %.2f of the floor's); cp 1000 small files %.0f files/s (%.2f of the host's, %.2f of the floor's)\n",
                    name, f.null_s * 1e6, f.null_s / host.null_s, f.null_s / floor.null_s, kBig / f.cat_s / 1e6,
                    host.cat_s / f.cat_s, floor.cat_s / f.cat_s, kFiles / f.cp_s, host.cp_s / f.cp_s, floor.cp_s / f.cp_s);
    };
    std::printf("host: cat 64 MiB %.0f MB/s%s; cp 1000 small files %.0f files/s\n", kBig / host.cat_s / 1e6,
                hgot == kBig ? "" : " (SHORT READ)", kFiles / host.cp_s);
    std::printf("floor: cat 64 MiB %.0f MB/s; cp 1000 small files %.0f files/s\n", kBig / floor.cat_s / 1e6,
                kFiles / floor.cp_s);
    row("ring:", shm);
    row("socket:", sock_only);
    std::printf("cp 1000 small files: husk %.0f files/s\n", kFiles / shm.cp_s);

    ring.call(kOpHalt, {});
    sleep(1);
    std::system(("rm -rf " + work).c_str());
    return 0;
}
