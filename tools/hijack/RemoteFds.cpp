#include "RemoteFds.h"
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "Connection.h"

namespace husk::hijack {

namespace {
constexpr int kSlots = 1 << 16; // descriptors past this stay host descriptors
struct Slot {
    std::atomic<int> rfd { RemoteFds::kNone };
    std::atomic<unsigned> generation { 0 };
};
Slot g_slots[kSlots];
} // namespace

int RemoteFds::lookup(int fd)
{
    if (fd < 0 || fd >= kSlots)
        return kNone;
    int rfd = g_slots[fd].rfd.load(std::memory_order_acquire);
    if (rfd < 0)
        return kNone;
    return g_slots[fd].generation.load() == Connection::generation() ? rfd : kStale;
}

void RemoteFds::set(int fd, int rfd)
{
    if (fd < 0 || fd >= kSlots)
        return;
    g_slots[fd].generation.store(Connection::generation());
    g_slots[fd].rfd.store(rfd, std::memory_order_release);
}

void RemoteFds::forget(int fd)
{
    if (fd >= 0 && fd < kSlots)
        g_slots[fd].rfd.store(kNone, std::memory_order_release);
}

int RemoteFds::adopt(int rfd, bool cloexec, int min_fd)
{
    // The raw system call: open() and fcntl() here are our own wrappers.
    int fd = int(syscall(SYS_open, "/dev/null", O_RDONLY | (cloexec ? O_CLOEXEC : 0)));
    if (fd >= 0 && fd < min_fd) {
        int moved = int(syscall(SYS_fcntl, fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, min_fd));
        syscall(SYS_close, fd);
        fd = moved;
    }
    if (fd >= kSlots) {
        syscall(SYS_close, fd);
        fd = -1;
        errno = EMFILE;
    }
    if (fd < 0) {
        int saved = errno;
        Connection::call(SYS_close, { uint64_t(rfd) });
        errno = saved;
        return -1;
    }
    set(fd, rfd);
    return fd;
}

} // namespace husk::hijack
