// The hosted platform's own contracts: user copies, block devices, clocks.
#include "Boot.h"
#include <husk/platform.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

TEST(HostedPlatform, UserCopiesTurnBadAddressesIntoEfault)
{
    boot_kernel();
    char buf[16];
    void* none = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(none, MAP_FAILED);
    EXPECT_EQ(husk_plat_copy_from_user(buf, none, 8), -EFAULT);
    EXPECT_EQ(husk_plat_copy_to_user(none, buf, 8), -EFAULT);
    EXPECT_EQ(husk_plat_copy_from_user(buf, reinterpret_cast<void*>(8), 8), -EFAULT);
    EXPECT_EQ(husk_plat_copy_from_user(buf, reinterpret_cast<void*>(uintptr_t(1) << 60), 8), -EFAULT);
    EXPECT_EQ(husk_plat_strncpy_from_user(buf, static_cast<const char*>(none), sizeof buf), -EFAULT);
    // A string running into an unmapped page faults too.
    auto* page = static_cast<char*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(page, MAP_FAILED);
    mprotect(page + 4096, 4096, PROT_NONE);
    memset(page, 'x', 4096);
    char big[8192];
    EXPECT_EQ(husk_plat_strncpy_from_user(big, page + 4090, sizeof big), -EFAULT);
    EXPECT_EQ(husk_plat_strncpy_from_user(buf, page, sizeof buf), -ENAMETOOLONG);
    page[4] = 0;
    EXPECT_EQ(husk_plat_strncpy_from_user(buf, page, sizeof buf), 4);
    EXPECT_STREQ(buf, "xxxx");
    EXPECT_EQ(husk_plat_copy_from_user(buf, page, 8), 0);
    munmap(page, 8192);
    munmap(none, 4096);
}

TEST(HostedPlatform, UserCompareExchangeIsAtomicAndFaultsIntoEfault)
{
    boot_kernel();
    alignas(4) uint32_t word = 5;
    uint32_t found = 0;
    EXPECT_EQ(husk_plat_cmpxchg_user(&word, 5, 9, &found), 0);
    EXPECT_EQ(found, 5u);
    EXPECT_EQ(word, 9u);
    EXPECT_EQ(husk_plat_cmpxchg_user(&word, 5, 1, &found), 0); // a stale guess: nothing stored
    EXPECT_EQ(found, 9u);
    EXPECT_EQ(word, 9u);
    auto* page = static_cast<uint32_t*>(mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(page, MAP_FAILED);
    EXPECT_EQ(husk_plat_cmpxchg_user(page, 1, 2, &found), -EFAULT); // read-only, even when it differs
    EXPECT_EQ(husk_plat_cmpxchg_user(page, 0, 0, &found), -EFAULT);
    mprotect(page, 4096, PROT_NONE);
    EXPECT_EQ(husk_plat_cmpxchg_user(page, 0, 1, &found), -EFAULT);
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
    EXPECT_EQ(page[0], 0u);
    EXPECT_EQ(husk_plat_cmpxchg_user(reinterpret_cast<uint32_t*>(reinterpret_cast<char*>(page) + 2), 0, 1, &found),
              -EFAULT); // misaligned
    EXPECT_EQ(husk_plat_cmpxchg_user(nullptr, 0, 1, &found), -EFAULT);
    munmap(page, 4096);
    // Two threads adding through it lose nothing.
    uint32_t sum = 0;
    auto add = [&] {
        for (int i = 0; i < 100000; i++) {
            uint32_t guess = __atomic_load_n(&sum, __ATOMIC_RELAXED), seen;
            while (husk_plat_cmpxchg_user(&sum, guess, guess + 1, &seen) == 0 && seen != guess)
                guess = seen;
        }
    };
    std::thread other(add);
    add();
    other.join();
    EXPECT_EQ(sum, 200000u);
}

TEST(HostedPlatform, RealFaultsOutsideCopiesStillCrash)
{
    boot_kernel();
    EXPECT_DEATH({ *static_cast<volatile int*>(nullptr) = 1; }, "");
}

TEST(HostedPlatform, ClocksMoveForward)
{
    uint64_t a = husk_plat_clock_monotonic();
    usleep(2000);
    uint64_t b = husk_plat_clock_monotonic();
    EXPECT_GE(b - a, 2000000u);
    EXPECT_GT(husk_plat_clock_wall(), uint64_t(1700000000) * 1000000000);
}

namespace {

// Runs in a death-test child: attaching must happen before that child boots.
[[noreturn]] void block_roundtrip()
{
    char path[] = "/tmp/husk-blk-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, 64 * 512) != 0)
        _exit(10);
    unlink(path);
    char proc_path[64];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
    if (husk_attach_hostfile(proc_path, 0) != 0 || husk_init("mem=16") != 0)
        _exit(11);
    husk_block_info info;
    if (husk_plat_block_info(0, &info) != 0 || info.sectors != 64 || info.sector_size != 512)
        _exit(12);
    if (husk_plat_block_info(1, &info) != -ENODEV)
        _exit(13);
    static char data[1024];
    memset(data, 'D', sizeof data);
    husk_block_req w { HUSK_BLOCK_WRITE, 10, 2, data, 1, nullptr };
    husk_block_req f { HUSK_BLOCK_FLUSH, 0, 0, nullptr, 1, nullptr };
    if (husk_plat_block_submit(0, &w) != 0 || husk_plat_block_submit(0, &f) != 0)
        _exit(14);
    husk_block_req* done[4];
    if (husk_plat_block_reap(0, done, 4) != 2 || done[0] != &w || w.status != 0 || f.status != 0)
        _exit(15);
    static char back[1024];
    husk_block_req r { HUSK_BLOCK_READ, 10, 2, back, 1, nullptr };
    if (husk_plat_block_submit(0, &r) != 0 || husk_plat_block_reap(0, done, 4) != 1 || memcmp(back, data, 1024) != 0)
        _exit(16);
    husk_block_req past { HUSK_BLOCK_READ, 63, 2, back, 1, nullptr };
    if (husk_plat_block_submit(0, &past) != -EINVAL)
        _exit(17);
    char host[1024];
    if (pread(fd, host, sizeof host, 10 * 512) != 1024 || memcmp(host, data, 1024) != 0)
        _exit(18);
    _exit(0);
}

[[noreturn]] void read_only_device()
{
    char path[] = "/tmp/husk-blk-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, 8 * 512) != 0)
        _exit(10);
    if (husk_attach_hostfile(path, 1) != 0 || husk_init("mem=16") != 0)
        _exit(11);
    unlink(path);
    static char data[512];
    husk_block_req w { HUSK_BLOCK_WRITE, 0, 1, data, 1, nullptr };
    husk_block_info info;
    husk_plat_block_info(0, &info);
    _exit(husk_plat_block_submit(0, &w) == -EROFS && (info.flags & HUSK_BLOCK_READONLY) ? 0 : 12);
}

} // namespace

TEST(HostedPlatform, BlockDevicesReadWriteFlushAndCheckBounds)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe"); // a child that has not booted yet
    EXPECT_EXIT(block_roundtrip(), testing::ExitedWithCode(0), "");
}

TEST(HostedPlatform, ReadOnlyDeviceRefusesWrites)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(read_only_device(), testing::ExitedWithCode(0), "");
}

TEST(HostedPlatform, AttachAfterBootIsRefused)
{
    boot_kernel();
    EXPECT_EQ(husk_attach_hostfile("/dev/null", 1), -1);
    EXPECT_EQ(errno, EBUSY);
    EXPECT_EQ(husk_init("mem=16"), -1);
    EXPECT_EQ(errno, EBUSY);
}

namespace {

// Runs in a fresh child: stdin becomes a pipe the test writes into.
[[noreturn]] void console_input()
{
    int p[2];
    if (pipe(p) != 0 || dup2(p[0], 0) != 0)
        _exit(10);
    if (husk_init("mem=16 console_input=1") != 0)
        _exit(11);
    int fd = husk_sys_open("/dev/console", O_RDONLY | O_NONBLOCK, 0);
    char buf[32] = {};
    if (fd < 0 || husk_sys_read(fd, buf, sizeof buf) != -1 || errno != EAGAIN)
        _exit(12);
    if (write(p[1], "typed", 5) != 5 || husk_sys_read(fd, buf, sizeof buf) != 5 || memcmp(buf, "typed", 5) != 0)
        _exit(13);
    // A blocking read sleeps in the idle loop until the host's stdin has data.
    std::thread typist([&] {
        usleep(30000);
        (void)!write(p[1], "later", 5);
    });
    long n = husk_sys_read(0, buf, sizeof buf);
    typist.join();
    if (n != 5 || memcmp(buf, "later", 5) != 0)
        _exit(14);
    close(p[1]);
    if (husk_sys_read(0, buf, sizeof buf) != 0) // writer gone: end of file
        _exit(15);
    _exit(0);
}

} // namespace

TEST(HostedPlatform, ConsoleInputNonblockingAndWakeups)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(console_input(), testing::ExitedWithCode(0), "");
}
