// Husk-side behaviour that the Linux oracle cannot show in a shared test
// directory: limits, mounts, devices, clocks, identity.
#include "Boot.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <vector>

namespace {
uint64_t mono_ns()
{
    struct timespec ts;
    husk_sys_clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}
} // namespace

TEST(Syscalls, DescriptorLimitIsEmfileAt1024)
{
    boot_kernel();
    std::vector<int> fds;
    int fd;
    while ((fd = husk_sys_open("/dev/null", O_RDONLY, 0)) >= 0)
        fds.push_back(fd);
    EXPECT_EQ(errno, EMFILE);
    EXPECT_EQ(fds.back(), 1023);
    // A full table refuses O_CREAT before creating anything.
    EXPECT_EQ(husk_sys_open("/tmp/not-created", O_CREAT | O_WRONLY, 0644), -1);
    EXPECT_EQ(errno, EMFILE);
    struct stat st;
    EXPECT_EQ(husk_sys_stat("/tmp/not-created", &st), -1);
    EXPECT_EQ(husk_sys_dup(0), -1);
    EXPECT_EQ(errno, EMFILE);
    for (int f : fds)
        husk_sys_close(f);
    EXPECT_GE(husk_sys_open("/dev/null", O_RDONLY, 0), 3);
}

TEST(Syscalls, MountUnmountAndBusyRules)
{
    boot_kernel();
    ASSERT_EQ(husk_sys_mkdir("/mnt", 0755), 0);
    EXPECT_EQ(husk_sys_mount("none", "/mnt", "nosuchfs", 0, nullptr), -1);
    EXPECT_EQ(errno, ENODEV);
    EXPECT_EQ(husk_sys_mount("none", "/dev/null", "tmpfs", 0, nullptr), -1);
    EXPECT_EQ(errno, ENOTDIR);
    ASSERT_EQ(husk_sys_mount("none", "/mnt", "tmpfs", 0, nullptr), 0);
    ASSERT_EQ(husk_sys_close(husk_sys_open("/mnt/lower", O_CREAT | O_WRONLY, 0644)), 0);
    // Like Linux, a second mount stacks on top and hides the first.
    ASSERT_EQ(husk_sys_mount("none", "/mnt", "tmpfs", 0, nullptr), 0);
    struct stat st;
    EXPECT_EQ(husk_sys_stat("/mnt/lower", &st), -1);
    int fd = husk_sys_open("/mnt/file", O_CREAT | O_RDWR, 0644);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(husk_sys_umount2("/mnt", 0), -1);
    EXPECT_EQ(errno, EBUSY) << "an open file keeps the mount busy";
    husk_sys_close(fd);
    ASSERT_EQ(husk_sys_chdir("/mnt"), 0);
    EXPECT_EQ(husk_sys_umount2("/mnt", 0), -1);
    EXPECT_EQ(errno, EBUSY) << "a cwd keeps the mount busy";
    ASSERT_EQ(husk_sys_chdir("/"), 0);
    EXPECT_EQ(husk_sys_rmdir("/mnt"), -1);
    EXPECT_EQ(errno, EBUSY);
    EXPECT_EQ(husk_sys_rename("/mnt", "/mnt2"), -1);
    EXPECT_EQ(errno, EBUSY);
    EXPECT_EQ(husk_sys_link("/mnt/file", "/tmp/cross"), -1);
    EXPECT_EQ(errno, EXDEV);
    EXPECT_EQ(husk_sys_rename("/mnt/file", "/tmp/cross"), -1);
    EXPECT_EQ(errno, EXDEV);
    EXPECT_EQ(husk_sys_umount2("/mnt", 0), 0);
    EXPECT_EQ(husk_sys_stat("/mnt/file", &st), -1) << "the top tmpfs and its file are gone";
    EXPECT_EQ(husk_sys_stat("/mnt/lower", &st), 0) << "the lower mount shows again";
    EXPECT_EQ(husk_sys_umount2("/mnt", 0), 0);
    EXPECT_EQ(husk_sys_stat("/mnt/lower", &st), -1);
    EXPECT_EQ(husk_sys_umount2("/mnt", 0), -1);
    EXPECT_EQ(errno, EINVAL) << "not a mount point";
    EXPECT_EQ(husk_sys_umount2("/", 0), -1);
    EXPECT_EQ(errno, EBUSY) << "the root stays";
    EXPECT_EQ(husk_sys_umount2("/mnt", 0x100), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST(Syscalls, ReadOnlyMountRefusesChanges)
{
    boot_kernel();
    ASSERT_EQ(husk_sys_mkdir("/ro", 0755), 0);
    ASSERT_EQ(husk_sys_mount("none", "/ro", "tmpfs", MS_RDONLY, nullptr), 0);
    EXPECT_EQ(husk_sys_open("/ro/f", O_CREAT | O_WRONLY, 0644), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_mkdir("/ro/d", 0755), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_chmod("/ro", 0700), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_access("/ro", W_OK), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_access("/ro", R_OK), 0);
    struct statfs sfs;
    ASSERT_EQ(husk_sys_statfs("/ro", &sfs), 0);
    EXPECT_TRUE(sfs.f_flags & MS_RDONLY);
}

TEST(Syscalls, DevicesBehave)
{
    boot_kernel();
    unsigned char buf[64];
    int fd = husk_sys_open("/dev/urandom", O_RDONLY, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(husk_sys_read(fd, buf, sizeof buf), 64);
    int zeros = 0;
    for (unsigned char c : buf)
        zeros += c == 0;
    EXPECT_LT(zeros, 16);
    EXPECT_EQ(husk_sys_getrandom(buf, sizeof buf, 0), 64);
    EXPECT_EQ(husk_sys_getrandom(buf, sizeof buf, 0x80), -1);
    EXPECT_EQ(errno, EINVAL);
    // Without console input, the console reads end of file (like /dev/null).
    EXPECT_EQ(husk_sys_read(0, buf, sizeof buf), 0);
    EXPECT_EQ(husk_sys_write(2, "husk console test\n", 18), 18);
}

TEST(Syscalls, IdentityAndSystemInformation)
{
    boot_kernel();
    EXPECT_EQ(husk_sys_getpid(), 1);
    EXPECT_EQ(husk_sys_getppid(), 0);
    EXPECT_GE(husk_sys_gettid(), 1);
    EXPECT_EQ(husk_sys_getuid(), 0u);
    EXPECT_EQ(husk_sys_geteuid(), 0u);
    struct utsname u;
    ASSERT_EQ(husk_sys_uname(&u), 0);
    EXPECT_STREQ(u.sysname, "Linux");
    EXPECT_STREQ(u.machine, "x86_64");
    EXPECT_NE(std::string(u.release).find("husk"), std::string::npos);
    struct sysinfo si;
    ASSERT_EQ(husk_sys_sysinfo(&si), 0);
    EXPECT_GE(si.totalram, 60u << 20);
    EXPECT_LE(si.freeram, si.totalram);
    EXPECT_EQ(si.procs, 1);
}

TEST(Syscalls, ClocksAndSleeping)
{
    boot_kernel();
    struct timespec res;
    ASSERT_EQ(husk_sys_clock_getres(CLOCK_MONOTONIC, &res), 0);
    EXPECT_EQ(res.tv_nsec, 1);
    EXPECT_EQ(husk_sys_clock_gettime(42, &res), -1);
    EXPECT_EQ(errno, EINVAL);
    uint64_t start = mono_ns();
    struct timespec ten_ms { 0, 10000000 };
    ASSERT_EQ(husk_sys_nanosleep(&ten_ms, nullptr), 0);
    EXPECT_GE(mono_ns() - start, 10000000u);
    struct timespec abs;
    husk_sys_clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 5000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    start = mono_ns();
    ASSERT_EQ(husk_sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, nullptr), 0);
    EXPECT_GE(mono_ns() - start, 3000000u);
    time_t t = 0;
    EXPECT_GT(husk_sys_time(&t), 1700000000);
    EXPECT_GT(t, 1700000000);
    struct timeval tv;
    ASSERT_EQ(husk_sys_gettimeofday(&tv, nullptr), 0);
    EXPECT_GT(tv.tv_sec, 1700000000);
    EXPECT_EQ(husk_sys_sched_yield(), 0);
}

TEST(Syscalls, PollSleepsUntilTimeout)
{
    boot_kernel();
    int p[2];
    ASSERT_EQ(husk_sys_pipe2(p, 0), 0);
    struct pollfd pfd { p[0], POLLIN, 0 };
    uint64_t start = mono_ns();
    EXPECT_EQ(husk_sys_poll(&pfd, 1, 20), 0);
    EXPECT_GE(mono_ns() - start, 20000000u);
    struct timespec ts { 0, 10000000 };
    start = mono_ns();
    EXPECT_EQ(husk_sys_ppoll(&pfd, 1, &ts, nullptr, 8), 0);
    EXPECT_GE(mono_ns() - start, 10000000u);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    EXPECT_EQ(husk_sys_pselect6(p[0] + 1, &r, nullptr, nullptr, &ts, nullptr), 0);
    struct timespec bad { 0, -1 };
    EXPECT_EQ(husk_sys_ppoll(&pfd, 1, &bad, nullptr, 8), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST(Syscalls, BlockingPipeReadWokenByKernelThreadWriter)
{
    boot_kernel();
    // A pipe write larger than the pipe blocks the writer until a reader
    // drains it; with one client that would be a deadlock, which the hosted
    // platform reports (exit 124) rather than hanging.
    EXPECT_EXIT(
        {
            int p[2];
            husk_sys_pipe2(p, 0);
            static char big[70000];
            husk_sys_write(p[1], big, sizeof big);
        },
        testing::ExitedWithCode(124), "deadlock");
}
