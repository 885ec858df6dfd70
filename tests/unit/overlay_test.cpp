// The overlay beyond what the differential scenarios can compare with
// Linux: renaming a lower directory is EXDEV (Linux's overlayfs without
// redirect_dir), statfs says overlay, inode numbers survive a copy-up, a
// device without a file system is refused, and a kernel booted with
// root=vda builds its / as an overlay of the image, with Husk's /etc files
// over the image's. Each test runs in a fresh child process (devices are
// attached before the kernel boots).
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace {

#define REQUIRE(cond, code) \
    do {                    \
        if (!(cond))        \
            _exit(code);    \
    } while (0)

// An ext2 image of a small tree, attached read-only as vda.
void attach_tree_image()
{
    char dir[] = "/tmp/husk-overlay-XXXXXX";
    REQUIRE(mkdtemp(dir), 90);
    std::string d = dir;
    std::string cmd = "mkdir -p " + d + "/tree/lower/dir " + d + "/tree/etc && echo lower > " + d + "/tree/lower/file"
                      + " && echo image-user:x:5:5::/:/bin/sh > " + d + "/tree/etc/passwd && echo image > " + d
                      + "/tree/etc/hostname && mke2fs -q -F -t ext2 -d " + d + "/tree " + d + "/img 4M >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0, 91);
    REQUIRE(husk_attach_hostfile((d + "/img").c_str(), 1) == 0, 92);
    // The open image stays readable after the files go.
    REQUIRE(std::system(("rm -rf " + d).c_str()) == 0, 93);
}

std::string read_all(const char* path)
{
    int fd = husk_sys_open(path, O_RDONLY, 0);
    if (fd < 0)
        return "(" + std::string(std::strerror(errno)) + ")";
    char buf[256];
    long n = husk_sys_read(fd, buf, sizeof buf);
    husk_sys_close(fd);
    return n < 0 ? "(read failed)" : std::string(buf, size_t(n));
}

[[noreturn]] void overlay_rules()
{
    attach_tree_image();
    REQUIRE(husk_init("mem=64 loglevel=error") == 0, 1);
    REQUIRE(husk_sys_mkdir("/o", 0755) == 0, 2);
    REQUIRE(husk_sys_mount("/dev/vda", "/o", "overlay", 0, nullptr) == 0, 3);
    REQUIRE(husk_sys_rename("/o/lower/dir", "/o/lower/moved") == -1 && errno == EXDEV, 4);
    REQUIRE(husk_sys_mkdir("/o/lower/new", 0755) == 0, 5);
    REQUIRE(husk_sys_rename("/o/lower/new", "/o/lower/newer") == 0, 6); // made in the upper layer: it moves
    struct statfs fs {};
    REQUIRE(husk_sys_statfs("/o/lower", &fs) == 0 && fs.f_type == 0x794c7630, 7);
    struct stat before {}, after {};
    REQUIRE(husk_sys_stat("/o/lower/file", &before) == 0, 8);
    REQUIRE(husk_sys_chmod("/o/lower/file", 0600) == 0, 9);
    REQUIRE(husk_sys_stat("/o/lower/file", &after) == 0, 10);
    REQUIRE(before.st_ino == after.st_ino && (after.st_mode & 07777) == 0600, 11);
    REQUIRE(read_all("/o/lower/file") == "lower\n", 12);
    // Busy while mounted: a second overlay over the same device.
    REQUIRE(husk_sys_mkdir("/p", 0755) == 0, 13);
    REQUIRE(husk_sys_mount("/dev/vda", "/p", "overlay", 0, nullptr) == -1 && errno == EBUSY, 14);
    REQUIRE(husk_sys_umount2("/o", 0) == 0, 15);
    REQUIRE(husk_sys_mount("/dev/vda", "/p", "overlay", 0, nullptr) == 0, 16); // released at unmount
    REQUIRE(husk_sys_stat("/p/lower/file", &after) == 0 && (after.st_mode & 07777) == 0644, 17); // changes died with it
    _exit(0);
}

[[noreturn]] void not_a_file_system()
{
    char name[] = "/tmp/husk-overlay-junk-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0 && ftruncate(fd, 1 << 20) == 0, 90);
    REQUIRE(husk_attach_hostfile(name, 1) == 0, 91);
    unlink(name);
    REQUIRE(husk_init("mem=64 loglevel=error") == 0, 1);
    REQUIRE(husk_sys_mkdir("/o", 0755) == 0, 2);
    REQUIRE(husk_sys_mount("/dev/vda", "/o", "overlay", 0, nullptr) == -1 && errno == EINVAL, 3);
    _exit(0);
}

[[noreturn]] void root_overlay_boot()
{
    attach_tree_image();
    REQUIRE(husk_init("mem=64 loglevel=error root=vda hostname=box") == 0, 1);
    REQUIRE(read_all("/lower/file") == "lower\n", 2);
    REQUIRE(read_all("/etc/hostname") == "box\n", 3);                     // Husk's
    REQUIRE(read_all("/etc/passwd") == "image-user:x:5:5::/:/bin/sh\n", 4); // the image's
    struct stat st {};
    REQUIRE(husk_sys_stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), 5);
    REQUIRE(husk_sys_stat("/proc/self", &st) == 0, 6);
    REQUIRE(husk_sys_stat("/tmp", &st) == 0 && (st.st_mode & 07777) == 01777, 7);
    struct statfs fs {};
    REQUIRE(husk_sys_statfs("/", &fs) == 0 && fs.f_type == 0x794c7630, 8);
    int fd = husk_sys_open("/lower/file", O_WRONLY | O_TRUNC, 0);
    REQUIRE(fd >= 0 && husk_sys_write(fd, "changed\n", 8) == 8 && husk_sys_close(fd) == 0, 9);
    REQUIRE(read_all("/lower/file") == "changed\n", 10);
    _exit(0);
}

[[noreturn]] void root_not_a_file_system()
{
    char name[] = "/tmp/husk-overlay-junk-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0 && ftruncate(fd, 1 << 20) == 0, 90);
    REQUIRE(husk_attach_hostfile(name, 1) == 0, 91);
    unlink(name);
    REQUIRE(husk_init("mem=64 loglevel=error root=vda") != 0, 1);
    _exit(0);
}

} // namespace

TEST(Overlay, RulesLinuxGivesWithoutRedirectDir) { EXPECT_EXIT(overlay_rules(), testing::ExitedWithCode(0), ""); }
TEST(Overlay, RefusesADeviceWithoutAFileSystem) { EXPECT_EXIT(not_a_file_system(), testing::ExitedWithCode(0), ""); }
TEST(Overlay, RootEqualsDeviceBootsAnOverlay) { EXPECT_EXIT(root_overlay_boot(), testing::ExitedWithCode(0), ""); }
TEST(Overlay, RootWithoutAFileSystemStopsTheBoot)
{
    EXPECT_EXIT(root_not_a_file_system(), testing::ExitedWithCode(0), "not an ext2/3/4 file system");
}
