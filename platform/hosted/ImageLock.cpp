#include "ImageLock.h"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace husk::hosted {

namespace {

// QEMU's byte layout (block/file-posix.c, RAW_LOCK_PERM_BASE and
// RAW_LOCK_SHARED_BASE; permission bits of include/block/block.h).
constexpr off_t kHolds = 100;   // + P: "I use permission P"
constexpr off_t kRefuses = 200; // + P: "nobody else may use P"
constexpr off_t kRead = 0, kWrite = 1;

bool set_byte(int fd, off_t byte, short type)
{
    struct flock l {};
    l.l_type = type;
    l.l_whence = SEEK_SET;
    l.l_start = byte;
    l.l_len = 1;
    return fcntl(fd, F_OFD_SETLK, &l) == 0;
}

// Whether an open file description other than fd's locks the byte.
bool locked_by_other(int fd, off_t byte)
{
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    l.l_start = byte;
    l.l_len = 1;
    return fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
}

std::string read_first_line(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// OFD locks carry no pid (F_OFD_GETLK and /proc/locks say -1): the holder
// is a process with the image open whose descriptor has locks
// (/proc/PID/fdinfo lists them). Processes of other users stay unseen.
std::string find_holder(int fd)
{
    struct stat image;
    if (fstat(fd, &image) != 0)
        return "";
    DIR* proc = opendir("/proc");
    if (!proc)
        return "";
    std::string found;
    std::string self = std::to_string(getpid());
    while (dirent* p = readdir(proc)) {
        if (p->d_name[0] < '1' || p->d_name[0] > '9' || self == p->d_name)
            continue;
        std::string base = std::string("/proc/") + p->d_name;
        DIR* fds = opendir((base + "/fd").c_str());
        if (!fds)
            continue;
        while (dirent* f = readdir(fds)) {
            struct stat st;
            if (f->d_name[0] == '.' || stat((base + "/fd/" + f->d_name).c_str(), &st) != 0
                || st.st_dev != image.st_dev || st.st_ino != image.st_ino)
                continue;
            std::ifstream info(base + "/fdinfo/" + f->d_name);
            bool locks = false;
            for (std::string line; std::getline(info, line);)
                locks = locks || line.rfind("lock:", 0) == 0;
            if (locks) {
                found = read_first_line(base + "/comm") + " (pid " + p->d_name + ")";
                break;
            }
        }
        closedir(fds);
        if (!found.empty())
            break;
    }
    closedir(proc);
    return found;
}

// "" or the conflict: a writer is refused by any writer and by readers
// (who refuse writers, as QEMU's do); a reader only by a writer.
std::string conflict(int fd, const std::string& path, bool read_only)
{
    bool writer_there = locked_by_other(fd, kHolds + kWrite);
    bool refused = locked_by_other(fd, kRefuses + kRead) || (!read_only && locked_by_other(fd, kRefuses + kWrite));
    if (!writer_there && !refused)
        return "";
    std::string holder = find_holder(fd);
    if (holder.empty())
        holder = "another process (a husk server or QEMU, perhaps another user's)";
    return "'" + path + "' is in use: " + holder + " has it open"
           + (writer_there ? " for writing" : "") + "; an image has one writer at a time"
           + (read_only ? "" : ", and no writer while others read it");
}

} // namespace

std::string image_conflict(int fd, const std::string& path, bool read_only) { return conflict(fd, path, read_only); }

std::string lock_image(int fd, const std::string& path, bool read_only)
{
    // Take, then check (QEMU's order): of two racing openers, at least one
    // sees the other.
    const off_t mine[] = { kHolds + kRead, kRefuses + kWrite, kHolds + kWrite };
    size_t count = read_only ? 2 : 3;
    for (size_t i = 0; i < count; ++i)
        if (!set_byte(fd, mine[i], F_RDLCK))
            return "cannot lock '" + path + "': " + std::strerror(errno);
    std::string problem = conflict(fd, path, read_only);
    if (!problem.empty())
        for (size_t i = 0; i < count; ++i)
            set_byte(fd, mine[i], F_UNLCK);
    return problem;
}

} // namespace husk::hosted
