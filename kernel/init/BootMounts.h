// Disks the configuration asks to mount before the program starts
// (`blk=vda:/data` words, written by `husk run -b DISK,MOUNTPOINT`), and
// the final sync and unmount when it has ended, so a disk holds everything
// the program wrote before the machine stops.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class BootMounts {
public:
    // Mounts every blk= word's device (ext2/3/4; ext4 features Husk cannot
    // write fall back to read-only with a log line). An error names the word.
    static kstd::ErrorOr<void> mount_all();
    // Unmounts what mount_all mounted, newest first (syncing each).
    static void unmount_all();
};

} // namespace husk
