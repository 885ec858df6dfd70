// A compact ext4 image of a directory tree, made by mke2fs -d (no root, no
// loop device): sized to the tree's blocks and inodes plus some slack, no
// journal (a root file system is mounted read-only, with a writable layer
// in memory above it), no reserved blocks.
#pragma once

#include <cstdint>
#include <string>
#include "ChildProcess.h"
#include "Failure.h"

namespace husk::tools::image {

struct TreeSize {
    uint64_t blocks = 0; // 4 KiB blocks the contents take
    uint64_t inodes = 0; // files, directories, links
};

TreeSize measure_tree(const std::string& root);

// The image size mke2fs is asked for, in KiB: contents, inode tables,
// allocation metadata and slack (extra_percent more on a retry).
uint64_t image_kib(const TreeSize& size, unsigned extra_percent);

// Makes `image` (replacing any file there only once the new one is
// complete) from `root`, retrying with more room if mke2fs runs out of it.
// Prints "making IMAGE (SIZE)" on stderr.
// `tools` runs mke2fs (inside fakeroot for a user: the owners it reads are
// the packages').
Failure make_ext4_image(const std::string& root, const std::string& image, const std::string& label, const ChildOptions& tools);

} // namespace husk::tools::image
