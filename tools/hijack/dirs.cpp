// Directory streams of the server's directories. glibc's opendir() and
// readdir() make their system calls internally (not through open/getdents64
// here), so the whole DIR interface is interposed; our DIR objects are told
// from the C library's by a registry.
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>
#include "Remote.h"

using namespace husk::hijack;

namespace {
struct RemoteDir {
    int fd;              // the host descriptor standing for the server's
    char buf[32768];
    size_t length { 0 }, at { 0 };
    long last_offset { 0 }; // d_off of the entry last returned (telldir)
    struct dirent64 entry;
};
static_assert(sizeof(struct dirent) == sizeof(struct dirent64));

std::mutex g_lock;
std::unordered_set<const void*>& registry()
{
    static auto* set = new std::unordered_set<const void*>; // never destroyed: atexit handlers may still read dirs
    return *set;
}
RemoteDir* ours(DIR* d)
{
    std::lock_guard guard(g_lock);
    return registry().count(d) ? reinterpret_cast<RemoteDir*>(d) : nullptr;
}
DIR* adopt(int fd)
{
    auto* d = new RemoteDir { fd, {}, 0, 0, 0, {} };
    std::lock_guard guard(g_lock);
    registry().insert(d);
    return reinterpret_cast<DIR*>(d);
}

struct dirent64* next(RemoteDir* d)
{
    if (d->at >= d->length) {
        int saved = errno;
        ssize_t n = getdents64(d->fd, d->buf, sizeof d->buf);
        if (n <= 0) {
            if (n == 0)
                errno = saved; // the end: errno untouched
            return nullptr;
        }
        d->length = size_t(n);
        d->at = 0;
    }
    // linux_dirent64 is struct dirent64 with a shorter name field.
    struct dirent64 raw;
    std::memcpy(&raw, d->buf + d->at, offsetof(struct dirent64, d_name));
    size_t name_room = raw.d_reclen - offsetof(struct dirent64, d_name);
    d->entry = raw;
    std::memset(d->entry.d_name, 0, sizeof d->entry.d_name);
    std::memcpy(d->entry.d_name, d->buf + d->at + offsetof(struct dirent64, d_name),
                name_room < sizeof d->entry.d_name ? name_room : sizeof d->entry.d_name - 1);
    d->at += raw.d_reclen;
    d->last_offset = raw.d_off;
    return &d->entry;
}
} // namespace

extern "C" {

DIR* opendir(const char* path)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(opendir)(path);
    int fd = remote_open(r, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    return fd < 0 ? nullptr : adopt(fd);
}

DIR* fdopendir(int fd)
{
    if (!RemoteFds::is_remote(fd))
        return REAL(fdopendir)(fd);
    struct stat st;
    if (fstat(fd, &st) != 0)
        return nullptr;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return nullptr;
    }
    return adopt(fd);
}

struct dirent64* readdir64(DIR* dir)
{
    RemoteDir* d = ours(dir);
    return d ? next(d) : REAL(readdir64)(dir);
}

struct dirent* readdir(DIR* dir)
{
    RemoteDir* d = ours(dir);
    return d ? reinterpret_cast<struct dirent*>(next(d)) : REAL(readdir)(dir);
}

int closedir(DIR* dir)
{
    RemoteDir* d = ours(dir);
    if (!d)
        return REAL(closedir)(dir);
    {
        std::lock_guard guard(g_lock);
        registry().erase(d);
    }
    int rc = close(d->fd);
    delete d;
    return rc;
}

int dirfd(DIR* dir)
{
    RemoteDir* d = ours(dir);
    return d ? d->fd : REAL(dirfd)(dir);
}

void rewinddir(DIR* dir)
{
    RemoteDir* d = ours(dir);
    if (!d)
        return REAL(rewinddir)(dir);
    lseek(d->fd, 0, SEEK_SET);
    d->length = d->at = 0;
    d->last_offset = 0;
}

long telldir(DIR* dir)
{
    RemoteDir* d = ours(dir);
    return d ? d->last_offset : REAL(telldir)(dir);
}

void seekdir(DIR* dir, long offset)
{
    RemoteDir* d = ours(dir);
    if (!d)
        return REAL(seekdir)(dir, offset);
    lseek(d->fd, offset, SEEK_SET);
    d->length = d->at = 0;
    d->last_offset = offset;
}

} // extern "C"
