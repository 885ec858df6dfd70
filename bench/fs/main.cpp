// bench/fs: file system throughput of the hosted Husk kernel on an ext2
// image against the host kernel on the host file system, same storage
// (both under $TMPDIR), measured in one run and printed as ratios.
//   bench_fs [--quick]
#include <husk/husk.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(const std::function<void()>& work)
{
    auto start = Clock::now();
    work();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

[[noreturn]] void die(const char* what)
{
    std::perror(what);
    std::exit(1);
}

// One set of operations over either kernel.
struct Ops {
    bool husk;
    int open(const std::string& p, int flags) const { return husk ? husk_sys_open(p.c_str(), flags, 0644) : ::open(p.c_str(), flags, 0644); }
    long write(int fd, const char* b, size_t n) const { return husk ? husk_sys_write(fd, b, n) : ::write(fd, b, n); }
    long read(int fd, char* b, size_t n) const { return husk ? husk_sys_read(fd, b, n) : ::read(fd, b, n); }
    int close(int fd) const { return husk ? husk_sys_close(fd) : ::close(fd); }
    int fsync(int fd) const { return husk ? husk_sys_fsync(fd) : ::fsync(fd); }
    int stat(const std::string& p, struct stat* st) const { return husk ? husk_sys_lstat(p.c_str(), st) : ::lstat(p.c_str(), st); }
    int unlink(const std::string& p) const { return husk ? husk_sys_unlink(p.c_str()) : ::unlink(p.c_str()); }
    int mkdir(const std::string& p) const { return husk ? husk_sys_mkdir(p.c_str(), 0755) : ::mkdir(p.c_str(), 0755); }
    long getdents(int fd, char* b, size_t n) const;
};

long Ops::getdents(int fd, char* b, size_t n) const
{
    return husk ? husk_sys_getdents64(fd, b, n) : ::syscall(217 /* getdents64 */, fd, b, n);
}

void sequential_write(const Ops& k, const std::string& path, size_t total)
{
    std::vector<char> chunk(1 << 20, 'w');
    int fd = k.open(path, O_CREAT | O_WRONLY | O_TRUNC);
    if (fd < 0)
        die("open for writing");
    for (size_t done = 0; done < total; done += chunk.size())
        if (k.write(fd, chunk.data(), chunk.size()) != long(chunk.size()))
            die("write");
    k.fsync(fd);
    k.close(fd);
}

void sequential_read(const Ops& k, const std::string& path, size_t total)
{
    std::vector<char> chunk(1 << 20);
    int fd = k.open(path, O_RDONLY);
    size_t got = 0;
    long n;
    while ((n = k.read(fd, chunk.data(), chunk.size())) > 0)
        got += size_t(n);
    k.close(fd);
    if (got != total)
        die("short read");
}

void create_stat_unlink(const Ops& k, const std::string& dir, int files)
{
    k.mkdir(dir);
    struct stat st;
    for (int i = 0; i < files; ++i) {
        int fd = k.open(dir + "/f" + std::to_string(i), O_CREAT | O_WRONLY);
        k.write(fd, "x", 1);
        k.close(fd);
    }
    for (int i = 0; i < files; ++i)
        if (k.stat(dir + "/f" + std::to_string(i), &st) != 0)
            die("stat");
    for (int i = 0; i < files; ++i)
        k.unlink(dir + "/f" + std::to_string(i));
}

long walk(const Ops& k, const std::string& dir)
{
    long count = 0;
    int fd = k.open(dir, O_RDONLY | O_DIRECTORY);
    char buf[16384];
    long n;
    std::vector<std::string> subdirs;
    while ((n = k.getdents(fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < n; at += *reinterpret_cast<unsigned short*>(buf + at + 16)) {
            std::string name = buf + at + 19;
            if (name == "." || name == "..")
                continue;
            struct stat st;
            k.stat(dir + "/" + name, &st);
            ++count;
            if (S_ISDIR(st.st_mode))
                subdirs.push_back(dir + "/" + name);
        }
    k.close(fd);
    for (auto& s : subdirs)
        count += walk(k, s);
    return count;
}

} // namespace

int main(int argc, char** argv)
{
    bool quick = argc > 1 && !std::strcmp(argv[1], "--quick");
    size_t bytes = quick ? (8u << 20) : (256u << 20);
    int files = quick ? 500 : 10000;
    int tree_files = quick ? 500 : 5000;
    const char* tmp = std::getenv("TMPDIR");
    std::string work = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-bench-fs-" + std::to_string(getpid());
    std::filesystem::create_directories(work + "/host");
    std::filesystem::create_directories(work + "/tree");
    for (int d = 0; d < 50; ++d) {
        std::filesystem::create_directory(work + "/tree/d" + std::to_string(d));
        for (int f = 0; f < tree_files / 50; ++f)
            std::fclose(std::fopen((work + "/tree/d" + std::to_string(d) + "/f" + std::to_string(f)).c_str(), "w"));
    }
    std::string image = work + "/fs.img", tree_image = work + "/tree.img";
    std::string mkfs = "mke2fs -q -F -t ext2 -b 4096 ";
    if (std::system((mkfs + image + " " + std::to_string(bytes / (1 << 20) * 3 + 64) + "M >/dev/null 2>&1").c_str()) != 0
        || std::system((mkfs + "-d " + work + "/tree " + tree_image + " 64M >/dev/null 2>&1").c_str()) != 0)
        die("mke2fs");
    if (husk_attach_hostfile(image.c_str(), 0) < 0 || husk_attach_hostfile(tree_image.c_str(), 1) < 0
        || husk_init("mem=256 loglevel=error") != 0)
        die("husk");
    husk_sys_mkdir("/fs", 0755);
    husk_sys_mkdir("/tree", 0755);
    if (husk_sys_mount("/dev/vda", "/fs", "ext2", 0, nullptr) != 0 || husk_sys_mount("/dev/vdb", "/tree", "ext2", MS_RDONLY, nullptr) != 0)
        die("mount");

    Ops host { false }, husk { true };
    struct Row {
        const char* name;
        double host_s, husk_s;
        double amount;
        const char* unit;
    };
    std::vector<Row> rows;
    // Rounds alternate between the kernels and each side keeps its median:
    // a 256 MiB read from a page cache takes tens of milliseconds, and one
    // stall of the (virtual) machine would otherwise decide the ratio.
    auto both = [&](const char* name, double amount, const char* unit, int rounds,
                    const std::function<void(const Ops&, const std::string&, int round)>& f) {
        std::vector<double> h, k;
        for (int r = 0; r < rounds; ++r) {
            h.push_back(seconds([&] { f(host, work + "/host", r); }));
            k.push_back(seconds([&] { f(husk, "/fs", r); }));
        }
        rows.push_back({ name, median(h), median(k), amount, unit });
    };
    double mib = double(bytes) / (1 << 20);
    // Each write round makes a new file, so that neither kernel rewrites
    // space its file system (or the host's, under the image) has allocated.
    constexpr int kWriteRounds = 3;
    auto big = [](const std::string& at, int round) { return at + "/big" + std::to_string(round); };
    both("sequential write", mib, "MiB/s", kWriteRounds, [&](const Ops& k, const std::string& at, int round) { sequential_write(k, big(at, round), bytes); });
    both("sequential read", mib, "MiB/s", 5, [&](const Ops& k, const std::string& at, int) { sequential_read(k, big(at, kWriteRounds - 1), bytes); });
    both("create+stat+unlink", files, "files/s", 1, [&](const Ops& k, const std::string& at, int) { create_stat_unlink(k, at + "/many", files); });
    long walked_host = 0, walked_husk = 0;
    double th = seconds([&] { walked_host = walk(host, work + "/tree"); });
    double tk = seconds([&] { walked_husk = walk(husk, "/tree"); });
    if (walked_husk != walked_host + 1) // the image also has lost+found
        std::fprintf(stderr, "warning: walked %ld host entries, %ld in Husk\n", walked_host, walked_husk);
    rows.push_back({ "tree walk", th, tk, double(walked_husk), "entries/s" });

    std::printf("bench/fs: Husk hosted (ext2 image, 16 MiB buffer cache) vs host Linux (%s), same storage\n",
                std::filesystem::path(work).parent_path().c_str());
    std::printf("(sequential write and read: the median of 3 and 5 rounds, alternating between the kernels)\n");
    std::printf("%-20s %12s %12s %10s  %s\n", "operation", "host", "husk", "husk/host", "unit");
    for (auto& r : rows) {
        double h = r.amount / r.host_s, k = r.amount / r.husk_s;
        std::printf("%-20s %12.0f %12.0f %10.2f  %s\n", r.name, h, k, k / h, r.unit);
    }
    std::printf("goal: sequential I/O >= 0.70 of the host\n");
    husk_sys_umount2("/fs", 0);
    std::filesystem::remove_all(work);
    return 0;
}
