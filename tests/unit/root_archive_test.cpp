// RootArchive: husk bake --rootfs's cpio (newc) archive unpacked into the
// root file system; damaged archives are refused, never overrun.
#include <gtest/gtest.h>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include "Boot.h"
#include "init/RootArchive.h"

namespace {
std::string entry(const std::string& name, unsigned mode, const std::string& data)
{
    char header[111];
    std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, mode, 0u, 0u,
                  1u, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u, unsigned(name.size() + 1), 0u);
    std::string e = std::string(header, 110) + name + '\0';
    e.resize((e.size() + 3) & ~size_t(3), '\0');
    e += data;
    e.resize((e.size() + 3) & ~size_t(3), '\0');
    return e;
}
std::string trailer() { return entry("TRAILER!!!", 0, ""); }

std::string read_file(const char* path)
{
    int fd = husk_sys_open(path, O_RDONLY, 0);
    if (fd < 0)
        return "<" + std::to_string(fd) + ">";
    char buf[256];
    long n = husk_sys_read(fd, buf, sizeof buf);
    husk_sys_close(fd);
    return n < 0 ? "<read error>" : std::string(buf, size_t(n));
}

bool unpack(const std::string& a)
{
    return !husk::RootArchive::unpack(reinterpret_cast<const uint8_t*>(a.data()), a.size()).is_error();
}
} // namespace

TEST(RootArchive, FilesDirectoriesLinksAndModes)
{
    boot_kernel();
    std::string a = entry("./rfs", 040755, "") + entry("./rfs/sub/deep.txt", 0100640, "deep\n")
                    + entry("rfs/link", 0120777, "/rfs/sub/deep.txt") + trailer();
    ASSERT_TRUE(unpack(a));
    EXPECT_EQ(read_file("/rfs/sub/deep.txt"), "deep\n");
    EXPECT_EQ(read_file("/rfs/link"), "deep\n");
    struct stat st;
    ASSERT_EQ(husk_sys_stat("/rfs/sub/deep.txt", &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(RootArchive, DamageIsRefused)
{
    boot_kernel();
    std::string good = entry("rfs2.txt", 0100644, "hello") + trailer();
    EXPECT_FALSE(unpack(good.substr(0, good.size() - 20)));         // no trailer
    EXPECT_FALSE(unpack(std::string("070702") + good.substr(6, 40))); // truncated header
    std::string bad_hex = good;
    bad_hex[10] = 'z';
    EXPECT_FALSE(unpack(bad_hex));
    std::string huge = entry("big", 0100644, "x");
    huge.replace(6 + 8 * 6, 8, "7FFFFFFF"); // a file size past the end
    EXPECT_FALSE(unpack(huge + trailer()));
    EXPECT_FALSE(unpack(entry("../escape", 0100644, "x") + trailer()));
    EXPECT_FALSE(unpack(entry("fifo", 010644, "") + trailer())); // not a file, directory or link
}
