// bench/remote: the cost of using a kernel through husk server, against the
// host kernel doing the same, in one run: a null request's round trip
// (getpid), cat of a 64 MiB file, cp of 1 000 small files. The anchor is
// rump's remote syscalls: microseconds per call over a unix socket.
// Usage: bench_remote HUSK_BINARY
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
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

long kopen(Client& c, const std::string& p, int flags, int mode = 0644)
{
    return c.call(SYS_openat, { uint64_t(AT_FDCWD), 0, uint64_t(flags), uint64_t(mode) },
                  { { 1, kIn, const_cast<char*>(p.c_str()), p.size() + 1 } });
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
                      + " --config 'mem=256 bcache_mib=64' >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "bench_remote: cannot start the server\n");
        return 1;
    }
    Client c;
    if (std::string why = Client::connect("unix:" + sock, c); !why.empty()) {
        std::fprintf(stderr, "bench_remote: %s\n", why.c_str());
        return 1;
    }

    // 1. A null request: getpid, round trip.
    constexpr int kCalls = 20000;
    auto t = Clock::now();
    for (int i = 0; i < kCalls; ++i)
        c.call(SYS_getpid, {});
    double remote_call = seconds_since(t) / kCalls;
    t = Clock::now();
    for (int i = 0; i < kCalls * 10; ++i)
        syscall(SYS_getpid);
    double host_call = seconds_since(t) / (kCalls * 10);
    std::printf("null request: husk %.2f us, host syscall %.3f us, ratio %.0f\n", remote_call * 1e6, host_call * 1e6,
                remote_call / host_call);

    // 2. cat of a 64 MiB file (written first, through the server and on the host).
    constexpr size_t kBig = 64u << 20, kChunk = 1u << 20;
    std::vector<char> buf(kChunk, 'x');
    long fd = kopen(c, "/data/big", O_WRONLY | O_CREAT | O_TRUNC);
    size_t written = 0;
    for (size_t done = 0; done < kBig; done += kChunk) {
        long w = c.call(SYS_write, { uint64_t(fd), 0, kChunk }, { { 1, kIn, buf.data(), kChunk } });
        written += w > 0 ? size_t(w) : 0;
    }
    c.call(SYS_close, { uint64_t(fd) });
    if (written != kBig)
        std::printf("write through the server: %zu of %zu bytes (fd %ld)\n", written, kBig, fd);
    std::string host_big = work + "/big";
    int hfd = open(host_big.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (size_t done = 0; done < kBig; done += kChunk)
        (void)!write(hfd, buf.data(), kChunk);
    close(hfd);
    t = Clock::now();
    fd = kopen(c, "/data/big", O_RDONLY);
    size_t got = 0;
    for (long n; (n = c.call(SYS_read, { uint64_t(fd), 0, kChunk }, { { 1, kOut | kOutCount, buf.data(), kChunk } })) > 0;)
        got += size_t(n);
    c.call(SYS_close, { uint64_t(fd) });
    double remote_cat = seconds_since(t);
    t = Clock::now();
    hfd = open(host_big.c_str(), O_RDONLY);
    size_t hgot = 0;
    for (ssize_t n; (n = read(hfd, buf.data(), kChunk)) > 0;)
        hgot += size_t(n);
    close(hfd);
    double host_cat = seconds_since(t);
    std::printf("cat 64 MiB: husk %.0f MB/s, host %.0f MB/s, husk/host %.2f%s\n", got / remote_cat / 1e6,
                hgot / host_cat / 1e6, host_cat / remote_cat, got == kBig && hgot == kBig ? "" : " (SHORT READ)");
    if (got != kBig)
        std::printf("read %zu of %zu bytes\n", got, kBig);

    // 3. cp of 1 000 small files (4 KiB each) into a directory.
    constexpr int kFiles = 1000;
    std::vector<char> small(4096, 's');
    std::string mk = "/data/many";
    c.call(SYS_mkdirat, { uint64_t(AT_FDCWD), 0, 0755 }, { { 1, kIn, mk.data(), mk.size() + 1 } });
    t = Clock::now();
    for (int i = 0; i < kFiles; ++i) {
        long f = kopen(c, "/data/many/f" + std::to_string(i), O_WRONLY | O_CREAT | O_TRUNC);
        c.call(SYS_write, { uint64_t(f), 0, small.size() }, { { 1, kIn, small.data(), small.size() } });
        c.call(SYS_close, { uint64_t(f) });
    }
    double remote_cp = seconds_since(t);
    std::string hmany = work + "/many";
    mkdir(hmany.c_str(), 0755);
    t = Clock::now();
    for (int i = 0; i < kFiles; ++i) {
        int f = open((hmany + "/f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        (void)!write(f, small.data(), small.size());
        close(f);
    }
    double host_cp = seconds_since(t);
    std::printf("cp 1000 small files: husk %.0f files/s, host %.0f files/s, husk/host %.2f\n", kFiles / remote_cp,
                kFiles / host_cp, host_cp / remote_cp);

    c.call(kOpHalt, {});
    sleep(1);
    std::system(("rm -rf " + work).c_str());
    return 0;
}
