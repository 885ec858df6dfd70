// husk run --rootfs IMAGE|DIR: the root file system of the program. The
// image (a directory is first made into an ext2 image, as -b does) is
// attached read-only after the -b disks; the kernel mounts it under a
// tmpfs overlay as / (root=vdX: docs/configuration.md). A PROGRAM that
// starts with '/' is then a path inside it, run from there.
#pragma once

#include <functional>
#include <string>
#include <vector>
#include "QemuLauncher.h"

namespace husk::tools {

class RootFs {
public:
    std::string source; // --rootfs's value, "" when not given

    // husk run IMAGE /PATH [ARGS]: an ext2/3/4 IMAGE in PROGRAM's place is
    // --rootfs IMAGE, and /PATH the program in it.
    void take_image_argument(std::string& program, std::vector<std::string>& args);
    // The program's path in the root file system when PROGRAM is one
    // (--rootfs given and PROGRAM starts with '/'), else "".
    std::string guest_program(const std::string& program) const;
    // Checks the image (or makes one of the directory with make_image) and
    // adds it to o with its kernel command line words. 0 when done, else
    // husk run's exit status, the problem said on stderr: 2 for a bad
    // --rootfs value, 125 for an image another writer holds (as -b's).
    int attach(RunOptions& o, bool dry_run, const std::function<std::string(const std::string&)>& make_image) const;
};

} // namespace husk::tools
