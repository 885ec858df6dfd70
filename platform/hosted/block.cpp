// Host files as block devices. Requests run synchronously at submit time
// (pread/pwrite/fdatasync) and their completions wait in a queue for
// husk_plat_block_reap, so the kernel sees the same asynchronous contract
// as on virtio-blk. Transfers may use the client's memory directly
// (HUSK_BLOCK_READ_USER/WRITE_USER): the client is this process, and running
// at submit time means it is still the caller's.
#include <husk/platform.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>
#include "HostedPlatform.h"
#include "ImageLock.h"

namespace husk::hosted {

namespace {

constexpr uint32_t kSectorSize = 512;

struct HostDisk {
    std::string path;
    int fd = -1;
    bool read_only = false;
    uint64_t sectors = 0;
    std::deque<husk_block_req*> done;
};

std::vector<HostDisk>& disks()
{
    static std::vector<HostDisk> d;
    return d;
}

int32_t zero_fill(char* p, size_t bytes, bool user)
{
    if (!user) {
        std::memset(p, 0, bytes);
        return 0;
    }
    static const char zeros[4096] = {};
    for (size_t done = 0; done < bytes; done += sizeof zeros)
        if (husk_plat_copy_to_user(p + done, zeros, std::min(sizeof zeros, bytes - done)) != 0)
            return -EFAULT;
    return 0;
}

int32_t run(HostDisk& d, husk_block_req& r)
{
    size_t bytes = size_t(r.count) * kSectorSize;
    off_t offset = off_t(r.sector * kSectorSize);
    auto* p = static_cast<char*>(r.buf);
    bool user = r.op == HUSK_BLOCK_READ_USER || r.op == HUSK_BLOCK_WRITE_USER;
    bool write = r.op == HUSK_BLOCK_WRITE || r.op == HUSK_BLOCK_WRITE_USER;
    while (bytes) {
        ssize_t n;
        if (user) // the raw system call: the host kernel checks the client's address (EFAULT), not a sanitizer
            n = syscall(write ? SYS_pwrite64 : SYS_pread64, d.fd, p, bytes, offset);
        else
            n = write ? pwrite(d.fd, p, bytes, offset) : pread(d.fd, p, bytes, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && user && errno == EFAULT)
            return -EFAULT;
        if (n <= 0) {
            if (n == 0 && !write) // past EOF of a sparse file: zeros
                return zero_fill(p, bytes, user);
            return -EIO;
        }
        p += n;
        bytes -= size_t(n);
        offset += n;
    }
    return 0;
}

} // namespace

int attach_block_file(const char* path, bool read_only, std::string& error)
{
    int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open '") + path + "': " + std::strerror(errno);
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = std::string("'") + path + "' is not a regular file";
        close(fd);
        return -EINVAL;
    }
    // One writer per image: the locks live as long as fd (the process).
    error = lock_image(fd, path, read_only);
    if (!error.empty()) {
        close(fd);
        return -EBUSY;
    }
    HostDisk d;
    d.path = path;
    d.fd = fd;
    d.read_only = read_only;
    d.sectors = uint64_t(st.st_size) / kSectorSize;
    disks().push_back(std::move(d));
    return int(disks().size() - 1);
}

size_t block_device_count() { return disks().size(); }

bool block_completions_pending()
{
    for (auto& d : disks())
        if (!d.done.empty())
            return true;
    return false;
}

} // namespace husk::hosted

using husk::hosted::disks;

extern "C" int husk_plat_block_info(unsigned dev, husk_block_info* info)
{
    if (dev >= disks().size())
        return -ENODEV;
    auto& d = disks()[dev];
    std::memset(info, 0, sizeof *info);
    std::strncpy(info->name, d.path.c_str(), sizeof info->name - 1);
    info->sectors = d.sectors;
    info->sector_size = 512;
    info->flags = (d.read_only ? HUSK_BLOCK_READONLY : 0) | HUSK_BLOCK_USER_IO;
    info->max_inflight = 32;
    return 0;
}

extern "C" int husk_plat_block_submit(unsigned dev, husk_block_req* req)
{
    if (dev >= disks().size())
        return -ENODEV;
    auto& d = disks()[dev];
    if (req->op > HUSK_BLOCK_WRITE_USER)
        return -EINVAL;
    if (req->op != HUSK_BLOCK_FLUSH && (req->sector > d.sectors || req->count > d.sectors - req->sector))
        return -EINVAL;
    if (req->op != HUSK_BLOCK_READ && req->op != HUSK_BLOCK_READ_USER && d.read_only)
        return -EROFS;
    if (d.done.size() >= 32)
        return -EAGAIN;
    if (req->op == HUSK_BLOCK_FLUSH)
        req->status = fdatasync(d.fd) == 0 ? 0 : -EIO;
    else
        req->status = husk::hosted::run(d, *req);
    d.done.push_back(req);
    return 0;
}

extern "C" size_t husk_plat_block_reap(unsigned dev, husk_block_req** done, size_t max)
{
    if (dev >= disks().size())
        return 0;
    auto& q = disks()[dev].done;
    size_t n = 0;
    while (n < max && !q.empty()) {
        done[n++] = q.front();
        q.pop_front();
    }
    return n;
}
