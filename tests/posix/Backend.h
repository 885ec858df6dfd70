// Where a scenario's system calls go: the host Linux kernel (the oracle) or
// a Husk kernel. Both take raw syscall numbers and return -errno on failure.
#pragma once

#include <string>

namespace posix {

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;
    virtual long syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0) = 0;
    // Creates a fresh working directory on the file system under test,
    // makes it the cwd, and returns its absolute path. Empty, or with the
    // seed tree (Seed.h) in it when seeded.
    virtual std::string enter_workdir(const std::string& scenario, bool seeded) = 0;
    virtual void leave_workdir() = 0;
    // After a scenario: checks the file system under test is still
    // consistent (e2fsck for disk file systems). Empty string: fine.
    virtual std::string verify() { return {}; }
};

// The host kernel, in a fresh directory under $TMPDIR.
Backend& host_backend();
// From now on the host's work directories are read-only bind mounts of
// themselves (the oracle for a read-only file system), in a mount
// namespace of this process's own. Call before any thread starts. Returns
// why not, or "".
std::string host_read_only();
// The Husk kernel in this process. fs_type "ramfs"/"tmpfs": a fresh file
// system mounted for each scenario. "ext2": an image made by mke2fs,
// attached as a block device, mounted once; each scenario gets a fresh
// directory in it and e2fsck -fn checks the image after each one.
// "overlay": an overlay mounted for each scenario over an ext2 image of
// the seed tree (read-only: after each scenario the image must be
// unchanged byte for byte, and clean for e2fsck -fn). "iso-genisoimage",
// "iso-xorriso": an ISO 9660 image of the seed tree made by that tool
// (-R -J), mounted once, read-only.
Backend& husk_backend(const std::string& fs_type);

} // namespace posix
