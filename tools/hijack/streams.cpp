// stdio streams on the server's files: glibc's fopen() opens with an
// internal system call, so fopen/fdopen of remote files build a stream with
// fopencookie() whose functions go through our read/write/lseek/close.
// fileno() of such a stream is its descriptor, as for fopen's own streams
// (glibc would say -1 for a cookie stream: coreutils' sort fstat()s the
// fileno of its inputs).
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>
#include <unordered_map>
#include "Remote.h"

using namespace husk::hijack;

namespace {
int fd_of(void* cookie) { return int(reinterpret_cast<intptr_t>(cookie)); }

ssize_t cookie_read(void* c, char* buf, size_t n) { return read(fd_of(c), buf, n); }
ssize_t cookie_write(void* c, const char* buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd_of(c), buf + done, n - done);
        if (k <= 0)
            return done ? ssize_t(done) : -1;
        done += size_t(k);
    }
    return ssize_t(done);
}
int cookie_seek(void* c, off64_t* pos, int whence)
{
    off_t at = lseek(fd_of(c), *pos, whence);
    if (at < 0)
        return -1;
    *pos = at;
    return 0;
}
// The remote streams' descriptors, for fileno().
std::mutex g_streams_lock;
std::unordered_map<FILE*, int>& streams()
{
    static auto* map = new std::unordered_map<FILE*, int>; // never destroyed: streams close at exit
    return *map;
}

int cookie_close(void* c)
{
    {
        std::lock_guard<std::mutex> hold(g_streams_lock);
        for (auto it = streams().begin(); it != streams().end(); ++it)
            if (it->second == fd_of(c)) {
                streams().erase(it);
                break;
            }
    }
    return close(fd_of(c));
}

// fopen's mode string as open flags; -1 when malformed.
int open_flags(const char* mode)
{
    int flags;
    switch (mode[0]) {
    case 'r': flags = 0; break;
    case 'w': flags = O_CREAT | O_TRUNC; break;
    case 'a': flags = O_CREAT | O_APPEND; break;
    default: return -1;
    }
    bool plus = std::strchr(mode + 1, '+') != nullptr;
    flags |= plus ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
    if (std::strchr(mode + 1, 'e'))
        flags |= O_CLOEXEC;
    if (std::strchr(mode + 1, 'x'))
        flags |= O_EXCL;
    return flags;
}

FILE* stream(int fd, const char* mode)
{
    cookie_io_functions_t io { cookie_read, cookie_write, cookie_seek, cookie_close };
    FILE* f = fopencookie(reinterpret_cast<void*>(intptr_t(fd)), mode, io);
    if (f) {
        std::lock_guard<std::mutex> hold(g_streams_lock);
        streams()[f] = fd;
    }
    return f;
}

int remote_fileno(FILE* f)
{
    std::lock_guard<std::mutex> hold(g_streams_lock);
    auto it = streams().find(f);
    return it == streams().end() ? -1 : it->second;
}
} // namespace

void husk::hijack::rebind_standard_stream(int fd)
{
    if (fd < 0 || fd > 2)
        return;
    FILE*& standard = fd == 0 ? stdin : fd == 1 ? stdout : stderr;
    if (remote_fileno(standard) == fd)
        return; // already a stream on it
    std::fflush(standard);
    if (FILE* f = stream(fd, fd == 0 ? "r" : "w")) {
        if (fd == 2)
            setvbuf(f, nullptr, _IONBF, 0);
        standard = f; // glibc's own stream stays, unused (its buffer is empty)
    }
}

extern "C" {

FILE* fopen(const char* path, const char* mode)
{
    Route r = PathRouter::route(AT_FDCWD, path);
    if (!r.remote)
        return REAL(fopen)(path, mode);
    int flags = open_flags(mode);
    if (flags < 0) {
        errno = EINVAL;
        return nullptr;
    }
    int fd = remote_open(r, flags, 0666);
    if (fd < 0)
        return nullptr;
    FILE* f = stream(fd, mode);
    if (!f)
        close(fd);
    return f;
}
FILE* fopen64(const char* path, const char* mode) { return fopen(path, mode); }

FILE* fdopen(int fd, const char* mode)
{
    return RemoteFds::is_remote(fd) ? stream(fd, mode) : REAL(fdopen)(fd, mode);
}

int fileno(FILE* f)
{
    int fd = remote_fileno(f);
    return fd >= 0 ? fd : REAL(fileno)(f);
}

int fileno_unlocked(FILE* f)
{
    int fd = remote_fileno(f);
    return fd >= 0 ? fd : REAL(fileno_unlocked)(f);
}

} // extern "C"
