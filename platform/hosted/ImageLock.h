// One writer per disk image. A writable image is locked the way QEMU's
// file-posix driver locks its images (OFD locks on single bytes: 100 + P
// while holding permission P, 200 + P while refusing P to others; P = 0
// consistent read, 1 write), so a husk server, QEMU and a second server
// exclude each other whoever comes first. A read-only open takes the
// reader's locks: readers share, a writer is refused.
#pragma once

#include <string>

namespace husk::hosted {

// Takes the locks on fd (the image at path). "" when taken, else a
// sentence saying who holds the image (the locks taken so far are dropped).
std::string lock_image(int fd, const std::string& path, bool read_only);

// Whether another open of the image conflicts with opening it this way,
// without taking anything ("" when free): husk run asks before QEMU locks.
std::string image_conflict(int fd, const std::string& path, bool read_only);

} // namespace husk::hosted
