// A file tree the image carries for the root file system (`husk bake
// --rootfs DIR`): a cpio archive in the "newc" format (what Linux's
// initramfs uses), unpacked into the root ramfs at boot. Directories,
// regular files and symbolic links; their permission bits; root owns all.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class RootArchive {
public:
    // Unpacks archive[0..size). EINVAL (logged with the entry) when damaged.
    static kstd::ErrorOr<void> unpack(const uint8_t* archive, size_t size);
};

} // namespace husk
