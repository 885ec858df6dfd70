// Hostile ISO 9660 images: each input is mounted, its tree walked (bounded:
// a damaged image may loop), files and symlinks read, and it is unmounted.
// Must never crash, hang or trip a sanitizer; errors are fine.
//   libFuzzer (HUSK_FUZZ build): iso9660_fuzz -max_total_time=60 CORPUS SEEDS
//   otherwise:                    iso9660_fuzz SEED ITERATIONS IMAGE...
// The second form mutates the given images (bytes flipped, mostly in the
// descriptors and directory sectors, fields set to extremes) and runs each
// mutant, in the ordinary build: the sibling of syscall_fuzz's seeds.
#include <husk/husk.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t kImageSize = 1024 * 1024;
int g_image_fd = -1;
long g_mounted = 0; // inputs that mounted (the rest were refused at mount)

void boot()
{
    const char* tmp = getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-iso-fuzz-XXXXXX";
    g_image_fd = mkstemp(path.data());
    if (g_image_fd < 0 || ftruncate(g_image_fd, kImageSize) != 0)
        std::abort();
    if (husk_attach_hostfile(path.c_str(), 1) != 0 || husk_init("mem=64 loglevel=error bcache_mib=1") != 0)
        std::abort();
    unlink(path.c_str());
    husk_sys_mkdir("/m", 0755);
}

void walk(const std::string& dir, int depth, int& budget)
{
    if (depth > 12 || budget <= 0)
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
                walk(path + "/..", depth + 1, budget);
            } else if (S_ISLNK(st.st_mode)) {
                char target[4096];
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
    if (husk_sys_mount("/dev/vda", "/m", "iso9660", MS_RDONLY, nullptr) != 0)
        return 0;
    ++g_mounted;
    int budget = 400;
    walk("/m", 0, budget);
    struct statfs sf;
    husk_sys_statfs("/m", &sf);
    if (husk_sys_umount2("/m", 0) != 0) {
        std::fprintf(stderr, "umount failed: %s\n", std::strerror(errno));
        std::abort(); // a mounted fs must always be unmountable here
    }
    return 0;
}

#ifndef HUSK_LIBFUZZER
int main(int argc, char** argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: iso9660_fuzz SEED ITERATIONS IMAGE...\n");
        return 2;
    }
    std::mt19937_64 random(std::strtoull(argv[1], nullptr, 10));
    long iterations = std::strtol(argv[2], nullptr, 10);
    std::vector<std::string> seeds;
    for (int i = 3; i < argc; ++i) {
        std::ifstream in(argv[i], std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        seeds.push_back(s.str().substr(0, kImageSize));
    }
    const uint32_t extremes[] = { 0, 1, 16, 17, 0x7f, 0x80, 0xff, 0x800, 0xffff, 0x7fffffff, 0xffffffff };
    for (long i = 0; i < iterations; ++i) {
        std::string image = seeds[random() % seeds.size()];
        int changes = 1 + int(random() % 8);
        for (int c = 0; c < changes; ++c) {
            // Mostly the metadata: descriptors and the first directories (sectors 16-40).
            size_t at = (random() % 4) ? 16 * 2048 + random() % (24 * 2048) : random() % image.size();
            if (at + 8 > image.size())
                continue;
            switch (random() % 3) {
            case 0: image[at] = char(random()); break;
            case 1: image[at] ^= char(1u << (random() % 8)); break;
            default: {
                uint32_t v = extremes[random() % (sizeof extremes / sizeof extremes[0])];
                for (int b = 0; b < 4; ++b) { // both-endian, as ISO 9660 stores it
                    image[at + b] = char(v >> (8 * b));
                    image[at + 7 - b] = char(v >> (8 * b));
                }
            }
            }
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(image.data()), image.size());
    }
    std::printf("iso9660_fuzz: %ld mutants, %ld mounted and walked; kernel still healthy\n", iterations, g_mounted);
    return 0;
}
#endif
