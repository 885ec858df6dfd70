// husk oci: the container's root directory as an ext2 image, made once per
// content and kept. An engine gives every container a fresh directory of
// the same image (podman's overlay or vfs copy), and copying it into an
// image at every start cost mke2fs and debugfs each time (50 ms for
// busybox, half a second for Debian's python3). The image is found again
// by the tree's identity: every entry's path, type, mode, owner, size,
// modification time and link target (rsync's quick check; the layers of a
// container image are never changed in place). QEMU opens it read-only and
// the guest's writes go to its overlay, so containers share one image.
#pragma once

#include <string>

namespace husk::tools::oci {

// The image of ROOTFS in CACHE_DIR (made there if missing; the least
// recently used beyond a few are removed), or "" and *why.
std::string root_image(const std::string& cache_dir, const std::string& rootfs, std::string* why);

} // namespace husk::tools::oci
