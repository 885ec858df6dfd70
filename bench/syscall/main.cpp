// bench/syscall: the cost of common system calls made by a local client of
// the hosted Husk kernel, against the same calls made to the host Linux
// kernel in the same run. Prints ns per call and the ratio husk/host.
//   bench_syscall [--quick]      (--quick: tiny counts, for a smoke test)
#include <husk/husk.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Median over `rounds` of the mean ns per call over `iterations` calls.
double measure(const std::function<void()>& call, long iterations, int rounds)
{
    std::vector<double> samples;
    for (int r = 0; r < rounds; ++r) {
        auto start = Clock::now();
        for (long i = 0; i < iterations; ++i)
            call();
        double ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
        samples.push_back(ns / double(iterations));
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

[[noreturn]] void die(const char* what)
{
    std::perror(what);
    std::exit(1);
}

} // namespace

int main(int argc, char** argv)
{
    bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    long iterations = quick ? 1000 : 200000;
    int rounds = quick ? 1 : 7;

    if (husk_init("mem=64") != 0)
        die("husk_init");

    // The same file, one byte long, on both sides.
    char host_dir[] = "/tmp/husk-bench-XXXXXX";
    if (!mkdtemp(host_dir))
        die("mkdtemp");
    std::string host_file = std::string(host_dir) + "/file";
    int hfd = open(host_file.c_str(), O_CREAT | O_RDWR, 0644);
    if (hfd < 0 || write(hfd, "x", 1) != 1)
        die("host file");
    const char* husk_file = "/tmp/file";
    int kfd = husk_sys_open(husk_file, O_CREAT | O_RDWR, 0644);
    if (kfd < 0 || husk_sys_write(kfd, "x", 1) != 1)
        die("husk file");

    char byte;
    struct stat st;
    struct Case {
        const char* name;
        std::function<void()> host, husk;
    };
    std::vector<Case> cases = {
        { "getpid", [] { syscall(SYS_getpid); }, [] { husk_sys_getpid(); } },
        { "read 1 byte", [&] { pread(hfd, &byte, 1, 0); }, [&] { husk_sys_pread64(kfd, &byte, 1, 0); } },
        { "open+close", [&] { close(open(host_file.c_str(), O_RDONLY)); },
          [&] { husk_sys_close(husk_sys_open(husk_file, O_RDONLY, 0)); } },
        { "stat", [&] { stat(host_file.c_str(), &st); }, [&] { husk_sys_stat(husk_file, &st); } },
    };

    std::printf("bench/syscall: ns per call, median of %d rounds of %ld calls (host = Linux, husk = hosted local client)\n",
                rounds, iterations);
    std::printf("%-14s %10s %10s %8s   %s\n", "call", "host ns", "husk ns", "ratio", "goal: ratio <= 1.5");
    int over = 0;
    for (auto& c : cases) {
        double host = measure(c.host, iterations, rounds);
        double husk = measure(c.husk, iterations, rounds);
        double ratio = husk / host;
        over += ratio > 1.5;
        std::printf("%-14s %10.1f %10.1f %8.2f   %s\n", c.name, host, husk, ratio, ratio <= 1.5 ? "met" : "NOT MET");
    }
    close(hfd);
    unlink(host_file.c_str());
    rmdir(host_dir);
    std::printf("%s\n", over ? "some calls miss the goal" : "every call meets the goal");
    return 0;
}
