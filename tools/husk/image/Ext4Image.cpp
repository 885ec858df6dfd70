#include "Ext4Image.h"
#include <cstdio>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include "ChildProcess.h"

namespace husk::tools::image {

namespace fs = std::filesystem;

namespace {
constexpr uint64_t kBlock = 4096;
constexpr uint64_t kInodeSize = 256;
constexpr uint64_t kInlineSymlink = 60; // a shorter target lives in the inode
uint64_t blocks_for(uint64_t bytes) { return (bytes + kBlock - 1) / kBlock; }
} // namespace

TreeSize measure_tree(const std::string& root)
{
    TreeSize size { 1, 1 }; // the root directory
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st;
        if (lstat(it->path().c_str(), &st) != 0)
            continue;
        ++size.inodes;
        if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
            // Extent blocks of big or fragmented files: one per 128 MiB is plenty.
            size.blocks += blocks_for(uint64_t(st.st_size)) + uint64_t(st.st_size) / (128 << 20);
        } else if (S_ISLNK(st.st_mode) && uint64_t(st.st_size) >= kInlineSymlink) {
            size.blocks += 1;
        }
        if (S_ISDIR(st.st_mode) && st.st_size == 0)
            size.blocks += 1;
    }
    return size;
}

uint64_t image_kib(const TreeSize& size, unsigned extra_percent)
{
    uint64_t inodes = size.inodes + size.inodes / 10 + 64;
    uint64_t bytes = size.blocks * kBlock + inodes * kInodeSize;
    bytes += bytes / 20 + bytes * extra_percent / 100; // bitmaps, group descriptors, room to spare
    bytes += 4u << 20;                                 // superblocks, the root's first blocks, a little free space
    return (bytes + 1023) / 1024;
}

Failure make_ext4_image(const std::string& root, const std::string& image, const std::string& label, const ChildOptions& tools)
{
    TreeSize size = measure_tree(root);
    std::string partial = image + ".partial";
    std::string last;
    for (unsigned extra : { 0u, 25u, 100u }) {
        uint64_t kib = image_kib(size, extra);
        uint64_t inodes = size.inodes + size.inodes / 10 + 64;
        std::fprintf(stderr, "husk image: making %s (%.1f MiB, %llu files)\n", image.c_str(), double(kib) / 1024,
                     (unsigned long long)size.inodes);
        std::error_code ec;
        fs::remove(partial, ec);
        std::vector<std::string> argv = { "mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-b", std::to_string(kBlock),
                                          "-I", std::to_string(kInodeSize), "-N", std::to_string(inodes), "-m", "0",
                                          "-L", label, "-E", "root_owner=0:0", "-d", root, partial,
                                          std::to_string(kib) + "k" };
        auto r = run_child(argv, tools);
        if (r.status < 0)
            return Failure::other("cannot run mke2fs: " + r.start_error + " (install e2fsprogs)");
        if (r.ok()) {
            fs::rename(partial, image, ec);
            if (ec) {
                fs::remove(partial, ec);
                return Failure::other("cannot rename " + partial + " to " + image + ": " + ec.message());
            }
            return Failure::none();
        }
        last = last_line(r.output);
        // Out of room: try again bigger; anything else is final.
        if (r.output.find("Could not allocate") == std::string::npos && r.output.find("No space left") == std::string::npos
            && r.output.find("Could not allocate inode") == std::string::npos)
            break;
    }
    std::error_code ec;
    fs::remove(partial, ec);
    return Failure::other("mke2fs could not make " + image + ": " + last);
}

} // namespace husk::tools::image
