// The kernel self-test run inside a bare-metal guest (Solo5 style: prints
// SUCCESS, exit status 0). Each check exercises a kernel subsystem on the
// real platform: allocator, threads, sleeps against the clock, preemption
// by the timer interrupt, VFS on ramfs through system calls with genuine
// user-mode buffers, and EFAULT recovery. `selftest=fault-null` and
// `selftest=fault-stack` on the command line instead crash on purpose, to
// test the fault reports.
#include <husk/platform.h>
#include "../../platform/x86_64/BootInfo.h"
#include "../../platform/x86_64/UserMemory.h"
#include "abi/Linux.h"
#include "core/Heap.h"
#include "core/Scheduler.h"
#include "core/Thread.h"
#include "core/WaitQueue.h"
#include "kstd/Errno.h"
#include "kstd/Format.h"
#include "Selftest.h"

namespace {

using namespace husk;
using namespace husk::selftest;

void test_allocator()
{
    HeapStats before = Heap::stats();
    constexpr size_t kCount = 48;
    void* blocks[kCount];
    for (size_t i = 0; i < kCount; ++i) {
        size_t size = size_t(16) << (i % 13); // 16 B .. 64 KiB
        blocks[i] = Heap::allocate(size);
        CHECK(blocks[i], "allocation %zu of %zu bytes failed", i, size);
        if (blocks[i])
            memset(blocks[i], int(i), size);
    }
    for (size_t i = 0; i < kCount; ++i) {
        size_t size = size_t(16) << (i % 13);
        auto* p = static_cast<unsigned char*>(blocks[i]);
        bool intact = p && p[0] == i && p[size - 1] == i;
        CHECK(intact, "block %zu lost its contents", i);
        Heap::free(blocks[i]);
    }
    void* pages = Heap::allocate_pages(8);
    CHECK(pages, "8 pages");
    bool zeroed = true;
    for (size_t i = 0; pages && i < 8 * kPageSize; ++i)
        zeroed = zeroed && static_cast<unsigned char*>(pages)[i] == 0;
    CHECK(zeroed, "allocate_pages returned dirty memory");
    Heap::free_pages(pages, 8);
    HeapStats after = Heap::stats();
    CHECK(after.heap_bytes_in_use == before.heap_bytes_in_use, "%zu bytes leaked",
          after.heap_bytes_in_use - before.heap_bytes_in_use);
    say("selftest: allocator ok (%zu KiB total, %zu KiB free)\n", after.total_pages * 4, after.free_pages * 4);
}

struct Crowd {
    WaitQueue done_queue;
    int finished = 0;
    int order[8] = {};
};

void crowd_member(void* arg)
{
    auto* c = static_cast<Crowd*>(arg);
    Scheduler::yield(); // let the others start too
    c->order[c->finished++] = int(Scheduler::current()->tid());
    c->done_queue.wake_all();
}

void test_threads()
{
    Crowd crowd;
    size_t live = Scheduler::thread_count();
    for (int i = 0; i < 8; ++i)
        CHECK(Thread::create("crowd", crowd_member, &crowd), "thread %d", i);
    while (crowd.finished < 8)
        crowd.done_queue.wait(now() + 1000 * kMs);
    CHECK(crowd.finished == 8, "only %d of 8 threads finished", crowd.finished);
    // Dead threads are reaped by the idle thread: give it a moment.
    for (int i = 0; i < 100 && Scheduler::thread_count() > live; ++i)
        Scheduler::sleep_until(now() + kMs);
    CHECK(Scheduler::thread_count() == live, "%zu threads left over", Scheduler::thread_count() - live);
    say("selftest: threads ok\n");
}

void test_sleep()
{
    const uint64_t lengths[] = { 1 * kMs, 10 * kMs, 50 * kMs };
    for (uint64_t length : lengths) {
        uint64_t start = now();
        Scheduler::sleep_until(start + length);
        uint64_t slept = now() - start;
        CHECK(slept >= length, "slept %lu ns of %lu", (unsigned long)slept, (unsigned long)length);
        // Generous: TCG on a loaded CI machine is slow to deliver timers.
        CHECK(slept < length + 200 * kMs, "slept %lu ns for %lu", (unsigned long)slept, (unsigned long)length);
    }
    // nanosleep through the system call (timespec in user memory below).
    say("selftest: sleep ok\n");
}

struct Spinner {
    volatile uint64_t count = 0;
    volatile bool* stop = nullptr;
    volatile bool exited = false;
};

void spin(void* arg)
{
    auto* s = static_cast<Spinner*>(arg);
    Scheduler::set_preemptible(true); // pure computation: no kernel state held
    while (!*s->stop)
        s->count = s->count + 1;
    Scheduler::set_preemptible(false);
    s->exited = true;
}

void test_preemption()
{
    volatile bool stop = false;
    // One spinner more than there are CPUs (preemptible spinners hold no
    // big lock: with fewer, each would have a CPU of its own).
    constexpr unsigned kMaxSpinners = 17;
    unsigned n = Scheduler::cpu_count() + 1;
    if (n > kMaxSpinners)
        n = kMaxSpinners;
    Spinner spinners[kMaxSpinners];
    uint64_t before = Scheduler::preemptions();
    for (unsigned i = 0; i < n; ++i) {
        spinners[i].stop = &stop;
        char name[8] = { 's', 'p', 'i', 'n', char('0' + i / 10), char('0' + i % 10), 0 };
        Thread::create(name, spin, &spinners[i]);
    }
    // No spinner ever yields: this thread, the sleep timer and the
    // spinners that share a CPU only run because the timer interrupt
    // preempts them.
    uint64_t start = now();
    Scheduler::sleep_until(start + 100 * kMs);
    uint64_t late = now() - start - 100 * kMs;
    uint64_t counts[kMaxSpinners];
    for (unsigned i = 0; i < n; ++i)
        counts[i] = spinners[i].count;
    stop = true;
    for (unsigned i = 0; i < n; ++i)
        while (!spinners[i].exited)
            Scheduler::sleep_until(now() + kMs);
    for (unsigned i = 0; i < n; ++i)
        CHECK(counts[i] > 0, "spinner %u of %u never ran", i, n);
    CHECK(Scheduler::preemptions() > before, "no preemption happened");
    CHECK(late < 200 * kMs, "the sleeper woke %lu ms late", (unsigned long)(late / kMs));
    say("selftest: preemption ok (%u spinners, %lu preemptions, woke %lu ms late)\n", n,
        (unsigned long)(Scheduler::preemptions() - before), (unsigned long)(late / kMs));
}

// System calls as an application makes them: every buffer in user memory.
constexpr uintptr_t kUserBase = 0x10000000;
constexpr size_t kUserPages = 4;

struct UserArea {
    char* kernel;  // the same pages through the direct map
    uintptr_t user;
    template<typename T>
    T* at(size_t offset) { return reinterpret_cast<T*>(user + offset); }
};

bool map_user_area(UserArea& area)
{
    area.kernel = static_cast<char*>(Heap::allocate_pages(kUserPages));
    area.user = kUserBase;
    if (!area.kernel)
        return false;
    for (size_t i = 0; i < kUserPages; ++i)
        if (!x86::UserMemory::alias(kUserBase + i * kPageSize, area.kernel + i * kPageSize))
            return false;
    return true;
}

void copy_string(char* dst, const char* src)
{
    while ((*dst++ = *src++)) {
    }
}

void test_vfs_syscalls()
{
    UserArea u;
    CHECK(map_user_area(u), "cannot map user memory");
    char* path = u.at<char>(0);
    char* dir = u.at<char>(64);
    unsigned char* data = u.at<unsigned char>(kPageSize);
    unsigned char* back = u.at<unsigned char>(2 * kPageSize);
    auto* st = u.at<linux::stat>(3 * kPageSize);
    copy_string(path, "/tmp/selftest.dat");
    copy_string(dir, "/tmp/selftest.d");
    for (size_t i = 0; i < kPageSize; ++i)
        data[i] = static_cast<unsigned char>(i * 7 + 3);

    long fd = sys(nr::openat, linux::AT_FDCWD, path, linux::O_CREAT | linux::O_RDWR | linux::O_EXCL, 0640);
    CHECK(fd >= 3, "openat: %ld", fd);
    CHECK(sys(nr::write, fd, data, kPageSize) == long(kPageSize), "write");
    CHECK(sys(nr::lseek, fd, 0, linux::SEEK_SET) == 0, "lseek");
    CHECK(sys(nr::read, fd, back, kPageSize) == long(kPageSize), "read");
    CHECK(memcmp(data, back, kPageSize) == 0, "read back differs");
    CHECK(sys(nr::fstat, fd, st) == 0 && st->st_size == long(kPageSize) && (st->st_mode & 0777) == 0640,
          "fstat: size %ld mode %o", long(st->st_size), unsigned(st->st_mode));
    // Bad buffers: a kernel address and an unmapped user address.
    CHECK(sys(nr::lseek, fd, 0, linux::SEEK_SET) == 0, "lseek");
    CHECK(sys(nr::read, fd, u.kernel, 16) == -kstd::EFAULT, "read into kernel memory was not refused");
    CHECK(sys(nr::read, fd, kUserBase + 64 * kPageSize, 16) == -kstd::EFAULT, "read into unmapped memory");
    CHECK(sys(nr::write, fd, 0x1000, 16) == -kstd::EFAULT, "write from page 1");
    CHECK(sys(nr::close, fd) == 0, "close");
    CHECK(sys(nr::mkdir, dir, 0755) == 0, "mkdir");
    CHECK(sys(nr::rmdir, dir) == 0, "rmdir");
    CHECK(sys(nr::unlink, path) == 0, "unlink");
    CHECK(sys(nr::stat, path, st) == -kstd::ENOENT, "stat after unlink");

    auto* ts = u.at<linux::timespec>(3 * kPageSize);
    ts->tv_sec = 0;
    ts->tv_nsec = long(20 * kMs);
    uint64_t start = now();
    CHECK(sys(nr::nanosleep, ts, 0) == 0, "nanosleep");
    CHECK(now() - start >= 20 * kMs, "nanosleep returned early");
    for (size_t i = 0; i < kUserPages; ++i)
        x86::UserMemory::unmap(kUserBase + i * kPageSize);
    Heap::free_pages(u.kernel, kUserPages);
    say("selftest: vfs syscalls ok\n");
}

// selftest=blk: the ext2 image on vda (made on the host by mke2fs -d)
// holds hello.txt; read it, write two files (one large enough for many
// clustered requests), unmount. The host then runs e2fsck and debugfs.
constexpr char kHello[] = "hello from the host\n";
constexpr size_t kBigSize = 300 * 1024 + 123;

int test_block_device()
{
    UserArea u;
    CHECK(map_user_area(u), "cannot map user memory");
    char* mnt = u.at<char>(0);
    char* dev = u.at<char>(32);
    char* fstype = u.at<char>(64);
    char* hello = u.at<char>(96);
    char* out = u.at<char>(160);
    char* big = u.at<char>(224);
    char* buf = u.at<char>(kPageSize);
    copy_string(mnt, "/mnt");
    copy_string(dev, "/dev/vda");
    copy_string(fstype, "ext2");
    copy_string(hello, "/mnt/hello.txt");
    copy_string(out, "/mnt/from-guest.txt");
    copy_string(big, "/mnt/big.bin");
    CHECK(sys(nr::mkdir, mnt, 0755) == 0, "mkdir /mnt");
    long r = sys(nr::mount, dev, mnt, fstype, 0, 0);
    CHECK(r == 0, "mount /dev/vda: %ld", r);
    if (r != 0)
        return 1;
    long fd = sys(nr::open, hello, linux::O_RDONLY, 0);
    CHECK(fd >= 0, "open hello.txt: %ld", fd);
    long n = sys(nr::read, fd, buf, 2 * kPageSize);
    CHECK(n == long(sizeof kHello - 1) && memcmp(buf, kHello, sizeof kHello - 1) == 0, "hello.txt: %ld bytes", n);
    sys(nr::close, fd);

    fd = sys(nr::open, out, linux::O_WRONLY | linux::O_CREAT | linux::O_TRUNC, 0644);
    copy_string(buf, "written by husk on bare metal\n");
    CHECK(sys(nr::write, fd, buf, 30) == 30, "write from-guest.txt");
    CHECK(sys(nr::close, fd) == 0, "close");

    // big.bin: byte i is (i * 13 + i / 4096) & 0xff, written a page at a time.
    fd = sys(nr::open, big, linux::O_WRONLY | linux::O_CREAT | linux::O_TRUNC, 0600);
    for (size_t off = 0; off < kBigSize; off += kPageSize) {
        size_t len = kBigSize - off < kPageSize ? kBigSize - off : kPageSize;
        for (size_t i = 0; i < len; ++i)
            buf[i] = char(((off + i) * 13 + (off + i) / 4096) & 0xff);
        CHECK(sys(nr::write, fd, buf, len) == long(len), "write big.bin at %zu", off);
    }
    CHECK(sys(nr::fsync, fd) == 0, "fsync");
    CHECK(sys(nr::close, fd) == 0, "close");
    // Read it back through the page cache of the block layer.
    fd = sys(nr::open, big, linux::O_RDONLY, 0);
    bool same = true;
    for (size_t off = 0; off < kBigSize; off += kPageSize) {
        size_t len = kBigSize - off < kPageSize ? kBigSize - off : kPageSize;
        same = same && sys(nr::read, fd, buf, len) == long(len);
        for (size_t i = 0; same && i < len; ++i)
            same = buf[i] == char(((off + i) * 13 + (off + i) / 4096) & 0xff);
    }
    CHECK(same, "big.bin reads back differently");
    sys(nr::close, fd);
    CHECK(sys(nr::umount2, mnt, 0) == 0, "umount");
    if (g_failures)
        return 1;
    say("selftest: block device ok\n");
    say("SUCCESS\n");
    return 0;
}

[[gnu::noinline]] void fault_null()
{
    say("selftest: writing to address 0\n");
    *reinterpret_cast<volatile int*>(uintptr_t(0)) = 1;
}

volatile unsigned g_depth_limit = ~0u; // opaque to the compiler: no "infinite recursion" proof

[[gnu::noinline]] unsigned recurse(unsigned depth)
{
    volatile char pad[512];
    pad[0] = char(depth);
    if (depth >= g_depth_limit)
        return pad[0];
    return recurse(depth + 1) + pad[0];
}

void overflow(void*)
{
    say("selftest: overflowing a kernel stack\n");
    recurse(0);
}

// The wall clock (CMOS RTC at boot + TSC) against the host's time, which
// the test harness passes as host_time=SECONDS.
void test_wall_clock()
{
    uint64_t wall = husk_plat_clock_wall() / 1000000000;
    uint64_t host = x86::BootInfo::number("host_time", 0);
    CHECK(wall > 1700000000, "wall clock says %lu s since 1970", (unsigned long)wall);
    if (host) {
        int64_t diff = int64_t(wall) - int64_t(host);
        CHECK(diff > -10 && diff < 30, "wall clock is %ld s off the host's", long(diff));
    }
    say("selftest: wall clock ok (%lu)\n", (unsigned long)wall);
}

bool mode_is(const char* want)
{
    char word[48];
    kstd::format(word, sizeof word, "selftest=%s", want);
    return x86::BootInfo::has_word(word);
}

} // namespace

extern "C" int husk_image_main(void)
{
    if (mode_is("blk"))
        return test_block_device();
    if (mode_is("net-pair"))
        return test_net_pair();
    if (mode_is("net-slirp"))
        return test_net_slirp();
    if (mode_is("fault-null"))
        fault_null();
    if (mode_is("fault-stack")) {
        Thread::create("overflow", overflow, nullptr);
        Scheduler::sleep_until(UINT64_MAX - 1);
    }
    test_allocator();
    test_wall_clock();
    test_threads();
    test_sleep();
    test_preemption();
    test_vfs_syscalls();
    test_cow_fork(); // last: it leaves the CPU on an address space of its own
    if (g_failures) {
        say("selftest: %d checks failed\n", g_failures);
        return 1;
    }
    say("SUCCESS\n");
    return 0;
}
