// libFuzzer target: a hostile ext2 image is mounted (read-only or
// read-write), its tree walked, files read, a few changes made, and it is
// unmounted. Must never crash, hang or trip a sanitizer.
//   ext2_fuzz -max_total_time=60 CORPUS_DIR SEED_DIR
// The image is a fixed-size host file attached before the kernel boots;
// each input overwrites it (shorter inputs are zero-padded).
#include <husk/husk.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>
#include <unistd.h>

namespace {

constexpr size_t kImageSize = 256 * 1024;
int g_image_fd = -1;

void boot()
{
    char path[] = "/tmp/husk-ext2-fuzz-XXXXXX";
    g_image_fd = mkstemp(path);
    if (g_image_fd < 0 || ftruncate(g_image_fd, kImageSize) != 0)
        std::abort();
    if (husk_attach_hostfile(path, 0) != 0 || husk_init("mem=64 loglevel=error bcache_mib=1") != 0)
        std::abort();
    unlink(path);
    husk_sys_mkdir("/m", 0755);
}

// Walks at most a bounded part of the tree: a damaged image may contain
// directory cycles, which only the bounds stop.
void walk(const std::string& dir, int depth, int& budget)
{
    if (depth > 6 || budget <= 0)
        return;
    int fd = husk_sys_open(dir.c_str(), O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return;
    char buf[2048];
    long n;
    while (budget > 0 && (n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at + 19 < n && budget > 0; at += *reinterpret_cast<unsigned short*>(buf + at + 16)) {
            if (*reinterpret_cast<unsigned short*>(buf + at + 16) == 0)
                break;
            std::string name(buf + at + 19);
            if (name == "." || name == "..")
                continue;
            --budget;
            std::string path = dir + "/" + name;
            struct stat st;
            if (husk_sys_lstat(path.c_str(), &st) != 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                walk(path, depth + 1, budget);
            } else if (S_ISLNK(st.st_mode)) {
                char target[256];
                husk_sys_readlink(path.c_str(), target, sizeof target);
            } else if (S_ISREG(st.st_mode)) {
                int f = husk_sys_open(path.c_str(), O_RDONLY, 0);
                char data[8192];
                if (f >= 0) {
                    husk_sys_read(f, data, sizeof data);
                    husk_sys_pread64(f, data, sizeof data, st.st_size > 4096 ? st.st_size - 4096 : 0);
                    husk_sys_close(f);
                }
            }
        }
    }
    husk_sys_close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (g_image_fd < 0)
        boot();
    static char image[kImageSize];
    std::memset(image, 0, sizeof image);
    std::memcpy(image, data, size < kImageSize ? size : kImageSize);
    if (pwrite(g_image_fd, image, sizeof image, 0) != ssize_t(sizeof image))
        std::abort();
    bool writable = size > 0 && (data[size - 1] & 1);
    if (husk_sys_mount("/dev/vda", "/m", "ext2", writable ? 0 : MS_RDONLY, nullptr) != 0)
        return 0;
    int budget = 300;
    walk("/m", 0, budget);
    if (writable) {
        int fd = husk_sys_open("/m/fuzz-new", O_CREAT | O_RDWR, 0644);
        if (fd >= 0) {
            husk_sys_pwrite64(fd, image, 5000, 100);
            husk_sys_ftruncate(fd, 1000);
            husk_sys_close(fd);
        }
        husk_sys_mkdir("/m/fuzz-dir", 0755);
        husk_sys_rename("/m/fuzz-new", "/m/fuzz-dir/moved");
        husk_sys_unlink("/m/fuzz-dir/moved");
        husk_sys_rmdir("/m/fuzz-dir");
    }
    if (husk_sys_umount2("/m", 0) != 0) {
        std::fprintf(stderr, "umount failed: %s\n", std::strerror(errno));
        std::abort(); // a mounted fs must always be unmountable here
    }
    return 0;
}
