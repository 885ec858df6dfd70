// Robustness: thousands of supported system calls with hostile arguments
// (NULL, unmapped and half-mapped pointers, huge sizes, random flags and
// descriptors) against one hosted kernel. Passing means no crash, no
// sanitizer report, no hang, and a kernel that still works afterwards.
//   syscall_fuzz SEED ITERATIONS   (HUSK_FUZZ_TRACE=1: each call on stderr first)
#include <husk/husk.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <set>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <vector>

namespace {

// Calls that may sleep or wait with nothing to wake them (futex waits
// until a random timeout; listen: without listening sockets no accept,
// connect or read of a socket can wait; an eventfd's read waits like a
// pipe's, and so does a socketpair's; semop and msgsnd/msgrcv wait for a
// semaphore or queue the run made, and no one else changes it; a timerfd's
// read waits for its expiry; flock waits for a lock another of the run's
// descriptors holds), chroot (which would hide the tree checked at the
// end), and the calls that change the process's IDs or capabilities (a
// root that drops to a random user, or drops CAP_DAC_OVERRIDE after a
// chmod of /, may no longer write that tree), are not fuzzed.
const std::set<long> kExcluded = { SYS_pipe, SYS_pipe2, SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6,
                                   SYS_epoll_wait, SYS_epoll_pwait, SYS_epoll_pwait2, SYS_eventfd, SYS_eventfd2,
                                   SYS_nanosleep, SYS_clock_nanosleep, SYS_futex, SYS_chroot, SYS_listen,
                                   SYS_socketpair, SYS_setuid, SYS_setgid, SYS_setgroups, SYS_semop, SYS_semtimedop,
                                   SYS_msgsnd, SYS_msgrcv, SYS_timerfd_create, SYS_flock, SYS_setreuid,
                                   SYS_setregid, SYS_setresuid, SYS_setresgid, SYS_capset };

std::vector<long> fuzzable_syscalls()
{
    std::vector<long> nrs;
#define HUSK_SYSCALL(nr, name, ...) if (!kExcluded.count(nr)) nrs.push_back(nr);
#define HUSK_NOSYS(nr, name, note)
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
    return nrs;
}

struct Arena {
    char* buffer;     // 64 KiB, writable
    char* edge;       // 16 bytes before an unmapped page
    char* unmapped;   // a PROT_NONE page
};

Arena make_arena()
{
    auto* region = static_cast<char*>(mmap(nullptr, 3 * 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (region == MAP_FAILED) {
        std::perror("mmap");
        std::exit(2);
    }
    mprotect(region + 2 * 65536, 65536, PROT_NONE);
    return { region, region + 2 * 65536 - 16, region + 2 * 65536 };
}

const char* const kPaths[] = { "/f/a", "/f/b", "/f/dir", "/f/dir/x", "/f/link", "/f/loop", "/f", "/", ".", "..",
                               "", "/dev/null", "/dev/zero", "/f/new", "/f/dir/../a", "/f/a/", "/tmp", "//f//b",
                               "/f/dangling", "/nonexistent/deep/path" };

// rm -rf through the kernel (contents only for directories it cannot remove).
void remove_tree(const std::string& path)
{
    struct stat st;
    if (husk_sys_lstat(path.c_str(), &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        husk_sys_chmod(path.c_str(), 0755);
        std::vector<std::string> names;
        int fd = husk_sys_open(path.c_str(), O_RDONLY | O_DIRECTORY, 0);
        char buf[4096];
        long n;
        while (fd >= 0 && (n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0)
            for (long at = 0; at < n; at += *reinterpret_cast<unsigned short*>(buf + at + 16))
                names.push_back(buf + at + 19);
        husk_sys_close(fd);
        for (auto& name : names)
            if (name != "." && name != "..")
                remove_tree(path + "/" + name);
        husk_sys_rmdir(path.c_str());
    } else {
        husk_sys_unlink(path.c_str());
    }
}

} // namespace

int main(int argc, char** argv)
{
    unsigned seed = argc > 1 ? unsigned(std::strtoul(argv[1], nullptr, 10)) : 1;
    long iterations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 20000;
    if (husk_init("mem=128 loglevel=error") != 0) {
        std::perror("husk_init");
        return 2;
    }
    // No console descriptors: reading one would wait for input forever.
    for (int fd = 0; fd < 3; ++fd)
        husk_sys_close(fd);
    husk_sys_mkdir("/f", 0755);
    husk_sys_mkdir("/f/dir", 0755);
    int fd = husk_sys_open("/f/a", O_CREAT | O_RDWR, 0644);
    husk_sys_write(fd, "seed file", 9);
    husk_sys_close(fd);
    husk_sys_symlink("a", "/f/link");
    husk_sys_symlink("loop", "/f/loop");
    husk_sys_symlink("missing", "/f/dangling");

    Arena arena = make_arena();
    std::mt19937_64 rng(seed);
    auto pick = [&](size_t n) { return size_t(rng() % n); };
    auto pointer = [&]() -> long {
        switch (pick(8)) {
        case 0: return 0;
        case 1: return long(arena.unmapped);
        case 2: return long(arena.edge);
        case 3: return long(kPaths[pick(sizeof kPaths / sizeof kPaths[0])]);
        case 4: return long(0xffff800000000000ul + rng() % 4096); // kernel half
        case 5: return long(arena.buffer + pick(4096) + 1);       // misaligned
        default: return long(arena.buffer);
        }
    };
    auto number = [&]() -> long {
        switch (pick(7)) {
        case 0: return long(pick(8));
        case 1: return long(pick(1100)) - 2;                // descriptors, AT_FDCWD-ish
        case 2: return -100;                                // AT_FDCWD
        case 3: return long(rng());                         // anything
        case 4: return long(1) << pick(63);                 // sizes and flags
        case 5: return long(pick(65537));
        default: return -long(pick(5000));
        }
    };
    auto arg = [&]() { return pick(2) ? pointer() : number(); };

    auto nrs = fuzzable_syscalls();
    long errors = 0, successes = 0;
    // A call that takes more than a second is reported with its arguments:
    // a kernel that a hostile call keeps busy that long is a finding too.
    bool trace = std::getenv("HUSK_FUZZ_TRACE") != nullptr;
    auto now_s = [] {
        timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
    };
    for (long i = 0; i < iterations; ++i) {
        // Keep a few descriptors open so fd-taking calls reach real files.
        if (i % 64 == 0)
            husk_sys_open(kPaths[pick(5)], int(O_RDWR | (pick(2) ? O_CREAT : 0)), 0644);
        long nr = nrs[pick(nrs.size())];
        long a[6];
        for (long& v : a)
            v = arg();
        if (trace) // which call a hang or a crash happened in
            std::fprintf(stderr, "call %ld: syscall %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", i, nr, a[0], a[1], a[2], a[3],
                         a[4], a[5]);
        double start = now_s();
        long r = husk_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (trace)
            std::fprintf(stderr, "  = %ld\n", r);
        if (double took = now_s() - start; took > 1)
            std::fprintf(stderr, "slow: call %ld: syscall %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = %ld took %.1f s\n", i, nr,
                         a[0], a[1], a[2], a[3], a[4], a[5], r, took);
        (r < 0 ? errors : successes)++;
        if (r < -4095) {
            std::fprintf(stderr, "syscall %ld returned %ld: not a result or an errno\n", nr, r);
            return 1;
        }
    }

    // The kernel still works: close everything, undo mounts, delete what
    // the fuzzer made (memory may be full), then a clean round trip in a
    // fresh directory (the fuzzer may have renamed or removed any other).
    struct rlimit files { 1024, 4096 }; // the fuzzer may have lowered it
    husk_syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, long(&files), 0, 0, 0);
    for (int f = 0; f < 1100; ++f)
        husk_sys_close(f);
    husk_sys_chdir("/");
    for (int round = 0; round < 4; ++round)
        for (const char* p : kPaths)
            husk_sys_umount2(p, 0);
    remove_tree("/f");
    remove_tree("/tmp");
    char buf[16] = {};
    int check = -1;
    if (husk_sys_mkdir("/health-check", 0700) == 0)
        check = husk_sys_open("/health-check/file", O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (check < 0 || husk_sys_write(check, "alive", 5) != 5 || husk_sys_pread64(check, buf, 5, 0) != 5 || std::strcmp(buf, "alive")) {
        std::fprintf(stderr, "kernel unusable after fuzzing: %s\n", std::strerror(errno));
        return 1;
    }
    std::printf("seed %u: %ld calls (%ld ok, %ld errors) over %zu syscalls; kernel still healthy\n", seed, iterations,
                successes, errors, nrs.size());
    return 0;
}
