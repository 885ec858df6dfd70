#include "OciRootImage.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace husk::tools::oci {
namespace {

constexpr size_t kKeep = 4; // images kept in the cache, the most recently used

// Two independent 64-bit hashes of the tree's description (128 bits: a
// collision would boot the wrong root).
struct TreeKey {
    uint64_t fnv = 14695981039346656037ull, mix = 0x9e3779b97f4a7c15ull;
    uintmax_t bytes = 0; // regular files' sizes, for the image's size
    bool lost_found = false;

    void add(const void* data, size_t n)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            fnv = (fnv ^ p[i]) * 1099511628211ull;
            mix = ((mix ^ p[i]) << 7 | (mix ^ p[i]) >> 57) * 0xff51afd7ed558ccdull;
        }
    }
    std::string hex() const
    {
        char text[33];
        std::snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)fnv, (unsigned long long)mix);
        return text;
    }
};

// Every entry under DIR (an open directory), in name order, by its
// relative path and metadata. false: something could not be read.
bool describe(int dir, const std::string& prefix, TreeKey& key)
{
    DIR* d = fdopendir(dir);
    if (!d) {
        close(dir);
        return false;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.push_back(e->d_name);
    std::sort(names.begin(), names.end());
    bool ok = true;
    for (const auto& name : names) {
        struct stat st;
        if (fstatat(dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            ok = false;
            break;
        }
        std::string path = prefix + "/" + name;
        if (prefix.empty() && name == "lost+found")
            key.lost_found = true;
        int64_t fields[] = { int64_t(st.st_mode), int64_t(st.st_uid), int64_t(st.st_gid), int64_t(st.st_size),
                             int64_t(st.st_mtim.tv_sec), int64_t(st.st_mtim.tv_nsec), int64_t(st.st_rdev) };
        key.add(path.c_str(), path.size() + 1);
        key.add(fields, sizeof fields);
        if (S_ISREG(st.st_mode))
            key.bytes += uintmax_t(st.st_size) + 4096;
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlinkat(dirfd(d), name.c_str(), target, sizeof target);
            key.add(target, n > 0 ? size_t(n) : 0);
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || !describe(sub, path, key)) {
                ok = false;
                break;
            }
        }
    }
    closedir(d);
    return ok;
}

// Runs a tool, its output discarded; true when it succeeds.
bool run(std::vector<std::string> args)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(null, 1);
        dup2(null, 2);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        for (const char* dir : { "/usr/sbin/", "/sbin/" })
            execv((dir + args[0]).c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Removes the least recently used images beyond kKeep.
void evict(const std::string& cache_dir)
{
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> images;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(cache_dir, ec))
        if (e.path().extension() == ".ext2")
            images.push_back({ e.last_write_time(ec), e.path() });
    if (images.size() <= kKeep)
        return;
    std::sort(images.begin(), images.end());
    for (size_t i = 0; i + kKeep < images.size(); ++i)
        std::filesystem::remove(images[i].second, ec); // a running QEMU keeps its open image
}

} // namespace

std::string root_image(const std::string& cache_dir, const std::string& rootfs, std::string* why)
{
    TreeKey key;
    int dir = open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat top;
    if (dir >= 0 && fstat(dir, &top) == 0) {
        int64_t fields[] = { int64_t(top.st_mode), int64_t(top.st_uid), int64_t(top.st_gid), int64_t(top.st_mtim.tv_sec) };
        key.add(fields, sizeof fields);
    }
    if (dir < 0 || !describe(dir, "", key)) {
        *why = "root.path: cannot read the tree of " + rootfs + ": " + std::strerror(errno);
        return "";
    }
    std::error_code ec;
    std::filesystem::create_directories(cache_dir, ec);
    std::string image = cache_dir + "/" + key.hex() + ".ext2";
    if (utimensat(AT_FDCWD, image.c_str(), nullptr, 0) == 0) // in the cache: now the most recently used
        return image;
    // As husk run makes one of a directory: 4 KiB blocks, room to spare
    // (a sparse file), no lost+found that the tree has not.
    std::string temporary = cache_dir + "/.making-XXXXXX";
    int fd = mkstemp(temporary.data());
    if (fd < 0) {
        *why = "cannot create an image in " + cache_dir + ": " + std::strerror(errno);
        return "";
    }
    close(fd);
    uintmax_t kib = (key.bytes * 2 + (32u << 20)) / 1024;
    bool made = run({ "mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d", rootfs, temporary, std::to_string(kib) + "k" })
                && (key.lost_found || run({ "debugfs", "-w", "-R", "rmdir lost+found", temporary }))
                && std::rename(temporary.c_str(), image.c_str()) == 0;
    if (!made) {
        unlink(temporary.c_str());
        *why = "root.path: cannot make an ext2 image of " + rootfs + " (is mke2fs installed?)";
        return "";
    }
    evict(cache_dir);
    return image;
}

} // namespace husk::tools::oci
