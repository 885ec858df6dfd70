// Writing ext2 through Husk, checked by the real e2fsprogs: after a battery
// of changes e2fsck -fn must find nothing, and debugfs must show what Husk
// wrote. Also durability: after sync() a copy of the image taken without
// unmounting is already complete and consistent.
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string g_work;

struct Geometry {
    const char* name;
    const char* options;
};
const Geometry kGeometries[] = {
    { "1k", "-t ext2 -b 1024 -I 128" },
    { "4k", "-t ext2 -b 4096 -I 256" },
    { "rev0", "-t ext2 -b 1024 -r 0" },
};

std::string shell(const std::string& cmd, int* status = nullptr)
{
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while (p && (n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    int s = p ? pclose(p) : -1;
    if (status)
        *status = s;
    return out;
}

void put(const std::string& path, const std::string& data, int flags = O_CREAT | O_WRONLY | O_TRUNC)
{
    int fd = husk_sys_open(path.c_str(), flags, 0644);
    ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
    ASSERT_EQ(husk_sys_write(fd, data.data(), data.size()), long(data.size())) << path;
    ASSERT_EQ(husk_sys_close(fd), 0);
}

std::string pattern(size_t n, unsigned seed)
{
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i)
        s[i] = char('a' + (i * 7 + seed) % 26);
    return s;
}

class Ext2Write : public testing::TestWithParam<Geometry> {
public:
    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/husk-ext2w-XXXXXX";
        g_work = mkdtemp(tmpl);
        std::string tree = g_work + "/tree";
        std::filesystem::create_directories(tree + "/keep/inner");
        std::ofstream(tree + "/keep/inner/file") << "original content\n";
        std::ofstream(tree + "/doomed") << std::string(50000, 'd');
        for (auto& g : kGeometries) {
            std::string img = g_work + "/" + g.name + ".img";
            ASSERT_EQ(std::system(("mke2fs -q -F " + std::string(g.options) + " -d " + tree + " " + img + " 96M >/dev/null 2>&1").c_str()), 0);
            ASSERT_GE(husk_attach_hostfile(img.c_str(), 0), 0);
        }
        ASSERT_EQ(husk_init("mem=256 loglevel=error"), 0);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(g_work); }

    std::string image() const { return g_work + "/" + GetParam().name + ".img"; }
    std::string device() const { return std::string("/dev/vd") + char('a' + (&GetParam() - kGeometries)); }
};

const Geometry& find(const Geometry& g)
{
    for (auto& k : kGeometries)
        if (!std::strcmp(k.name, g.name))
            return k;
    return kGeometries[0];
}

TEST_P(Ext2Write, BatteryThenFsckAndDebugfsAgree)
{
    const Geometry& geometry = find(GetParam());
    std::string img = g_work + "/" + geometry.name + ".img";
    std::string dev = std::string("/dev/vd") + char('a' + (&geometry - kGeometries));
    std::string m = std::string("/m-") + geometry.name;
    ASSERT_EQ(husk_sys_mkdir(m.c_str(), 0755), 0);
    ASSERT_EQ(husk_sys_mount(dev.c_str(), m.c_str(), "ext2", 0, nullptr), 0) << std::strerror(errno);

    put(m + "/new", "created by husk\n");
    put(m + "/new", " and appended\n", O_WRONLY | O_APPEND);
    put(m + "/keep/inner/file", "OVER", O_WRONLY);                        // overwrite in place
    put(m + "/big", pattern(1 << 20, 1));                                  // indirect and double indirect
    int fd = husk_sys_open((m + "/big").c_str(), O_WRONLY, 0);
    ASSERT_EQ(husk_sys_ftruncate(fd, 300000), 0);                          // shrink: frees blocks
    ASSERT_EQ(husk_sys_ftruncate(fd, 400000), 0);                          // grow: a hole
    husk_sys_close(fd);
    fd = husk_sys_open((m + "/sparse").c_str(), O_CREAT | O_WRONLY, 0600);
    bool rev0 = std::string(geometry.name) == "rev0";
    // Files of 2 GiB and more need the large_file feature, which revision 0
    // file systems cannot have: EFBIG there (as the format demands).
    ASSERT_EQ(husk_sys_pwrite64(fd, "far away", 8, 5l << 30), rev0 ? -1 : 8);
    if (rev0) {
        EXPECT_EQ(errno, EFBIG);
        ASSERT_EQ(husk_sys_pwrite64(fd, "far away", 8, (2l << 30) - 9), 8);
    }
    husk_sys_close(fd);
    ASSERT_EQ(husk_sys_rename((m + "/new").c_str(), (m + "/keep/renamed").c_str()), 0);
    ASSERT_EQ(husk_sys_link((m + "/keep/renamed").c_str(), (m + "/hardlink").c_str()), 0);
    ASSERT_EQ(husk_sys_symlink("keep/renamed", (m + "/fast").c_str()), 0);
    ASSERT_EQ(husk_sys_symlink(std::string(200, 's').c_str(), (m + "/slow").c_str()), 0);
    ASSERT_EQ(husk_sys_unlink((m + "/doomed").c_str()), 0);
    std::string deep = m;
    for (int i = 0; i < 30; ++i) {
        deep += "/level" + std::to_string(i);
        ASSERT_EQ(husk_sys_mkdir(deep.c_str(), 0755), 0);
    }
    put(deep + "/bottom", "bottom of the tree\n");
    ASSERT_EQ(husk_sys_mkdir((m + "/gone").c_str(), 0755), 0);
    ASSERT_EQ(husk_sys_rmdir((m + "/gone").c_str()), 0);
    ASSERT_EQ(husk_sys_mkdir((m + "/many").c_str(), 0755), 0);
    for (int i = 0; i < 10000; ++i)
        put(m + "/many/f" + std::to_string(i), std::to_string(i));
    for (int i = 0; i < 10000; i += 3)
        ASSERT_EQ(husk_sys_unlink((m + "/many/f" + std::to_string(i)).c_str()), 0);
    ASSERT_EQ(husk_sys_rename((m + "/keep/inner").c_str(), (m + "/moved-dir").c_str()), 0); // '..' update
    ASSERT_EQ(husk_sys_chmod((m + "/hardlink").c_str(), 0600), 0);
    ASSERT_EQ(husk_sys_umount2(m.c_str(), 0), 0);

    int status;
    std::string fsck = shell("e2fsck -fn " + img + " 2>&1", &status);
    EXPECT_EQ(status, 0) << fsck;
    auto cat = [&](const std::string& path) { return shell("debugfs -R 'cat " + path + "' " + img + " 2>/dev/null"); };
    EXPECT_EQ(cat("/keep/renamed"), "created by husk\n and appended\n");
    EXPECT_EQ(cat("/hardlink"), "created by husk\n and appended\n");
    EXPECT_EQ(cat("/moved-dir/file"), "OVERinal content\n");
    EXPECT_EQ(cat(deep.substr(m.size()) + "/bottom"), "bottom of the tree\n");
    EXPECT_EQ(cat("/many/f9998"), "9998");
    std::string big = cat("/big");
    EXPECT_EQ(big.size(), 400000u);
    EXPECT_TRUE(big.substr(0, 300000) == pattern(1 << 20, 1).substr(0, 300000));
    EXPECT_EQ(big.substr(300000), std::string(100000, '\0'));
    std::string stat = shell("debugfs -R 'stat /sparse' " + img + " 2>/dev/null");
    EXPECT_NE(stat.find(rev0 ? "Size: 2147483647" : "Size: 5368709128"), std::string::npos) << stat;
    EXPECT_NE(shell("debugfs -R 'stat /hardlink' " + img + " 2>/dev/null").find("Links: 2"), std::string::npos);
    EXPECT_NE(shell("debugfs -R 'stat /fast' " + img + " 2>/dev/null").find("Fast link dest: \"keep/renamed\""), std::string::npos);
    std::string ls = shell("debugfs -R 'ls -l /' " + img + " 2>/dev/null");
    EXPECT_EQ(ls.find(" doomed"), std::string::npos) << ls;
    EXPECT_EQ(ls.find(" gone"), std::string::npos) << ls;
    EXPECT_NE(ls.find(" slow"), std::string::npos) << ls;
    // (debugfs also lists deleted entries, with inode 0: count live ones.)
    std::string many = shell("debugfs -R 'ls -p /many' " + img + " 2>/dev/null | grep -cE '^/[1-9][0-9]*/[0-9]+/[0-9]+/[0-9]+/f[0-9]+/'");
    EXPECT_EQ(std::stoi(many), 10000 - 3334);
}

TEST_P(Ext2Write, SyncMakesTheImageCompleteWithoutUnmount)
{
    const Geometry& geometry = find(GetParam());
    std::string img = g_work + "/" + geometry.name + ".img";
    std::string dev = std::string("/dev/vd") + char('a' + (&geometry - kGeometries));
    std::string m = std::string("/d-") + geometry.name;
    ASSERT_EQ(husk_sys_mkdir(m.c_str(), 0755), 0);
    ASSERT_EQ(husk_sys_mount(dev.c_str(), m.c_str(), "ext2", 0, nullptr), 0) << std::strerror(errno);
    ASSERT_EQ(husk_sys_mkdir((m + "/durable").c_str(), 0755), 0);
    for (int i = 0; i < 200; ++i)
        put(m + "/durable/file" + std::to_string(i), pattern(size_t(i) * 97, unsigned(i)));
    ASSERT_EQ(husk_sys_sync(), 0);
    std::string copy = img + ".copy";
    std::filesystem::copy_file(img, copy, std::filesystem::copy_options::overwrite_existing);
    int status;
    std::string fsck = shell("e2fsck -fn " + copy + " 2>&1", &status);
    // The copy was taken while mounted: "not cleanly unmounted" is expected
    // and harmless; any real problem makes e2fsck -n exit non-zero.
    EXPECT_EQ(status, 0) << fsck;
    EXPECT_EQ(shell("debugfs -R 'cat /durable/file150' " + copy + " 2>/dev/null"), pattern(150 * 97, 150));
    std::filesystem::remove(copy);
    ASSERT_EQ(husk_sys_umount2(m.c_str(), 0), 0);
}

INSTANTIATE_TEST_SUITE_P(Geometries, Ext2Write, testing::ValuesIn(kGeometries), [](const auto& info) { return std::string(info.param.name); });

} // namespace

namespace {

// Images made per test and attached to a kernel booted in a fresh child
// (threadsafe death-test style): independent of the suite's images.
[[noreturn]] void htree_directory_stays_valid()
{
    char tmpl[] = "/tmp/husk-htree-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::filesystem::create_directories(dir + "/tree/big");
    for (int i = 0; i < 2000; ++i)
        std::ofstream(dir + "/tree/big/entry-" + std::to_string(i)) << i;
    std::string img = dir + "/htree.img";
    // mke2fs -d writes linear directories; e2fsck -D indexes them (htree).
    if (std::system(("mke2fs -q -F -t ext2 -b 1024 -O dir_index -d " + dir + "/tree " + img + " 32M >/dev/null 2>&1 && "
                     "e2fsck -fyD " + img + " >/dev/null 2>&1; debugfs -R 'stat /big' " + img + " 2>/dev/null | grep -q 'Flags: 0x1000'")
                        .c_str()) != 0)
        _exit(10); // the directory did not get an htree index: the test would prove nothing
    if (husk_attach_hostfile(img.c_str(), 0) != 0 || husk_init("mem=64 loglevel=error") != 0)
        _exit(11);
    husk_sys_mkdir("/m", 0755);
    if (husk_sys_mount("/dev/vda", "/m", "ext2", 0, nullptr) != 0)
        _exit(12);
    struct stat st;
    if (husk_sys_stat("/m/big/entry-1234", &st) != 0) // read through the htree as a linear directory
        _exit(13);
    for (int i = 0; i < 300; ++i) {
        int fd = husk_sys_open(("/m/big/new-" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644);
        if (fd < 0)
            _exit(14);
        husk_sys_close(fd);
        if (husk_sys_unlink(("/m/big/entry-" + std::to_string(i * 5)).c_str()) != 0)
            _exit(15);
    }
    if (husk_sys_umount2("/m", 0) != 0)
        _exit(16);
    int status;
    std::string fsck = shell("e2fsck -fn " + img + " 2>&1", &status);
    std::filesystem::remove_all(dir);
    if (status != 0) {
        std::fprintf(stderr, "%s", fsck.c_str());
        _exit(17);
    }
    _exit(0);
}

[[noreturn]] void ext4_read_write_is_refused_by_name()
{
    char tmpl[] = "/tmp/husk-ext4rw-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string img = dir + "/ext4.img";
    if (std::system(("mke2fs -q -F -t ext4 " + img + " 32M >/dev/null 2>&1").c_str()) != 0)
        _exit(10);
    if (husk_attach_hostfile(img.c_str(), 0) != 0 || husk_init("mem=64 loglevel=error") != 0)
        _exit(11);
    husk_sys_mkdir("/m", 0755);
    if (husk_sys_mount("/dev/vda", "/m", "ext4", 0, nullptr) != -1 || errno != EROFS)
        _exit(12);
    char log[8192];
    long n = husk_dmesg(log, sizeof log - 1);
    log[n > 0 ? n : 0] = 0;
    if (!std::strstr(log, "cannot write file systems with feature"))
        _exit(13);
    if (husk_sys_mount("/dev/vda", "/m", "ext4", MS_RDONLY, nullptr) != 0) // read-only still works
        _exit(14);
    std::filesystem::remove_all(dir);
    _exit(0);
}

} // namespace

TEST(Ext2WriteSpecial, HtreeIndexedDirectoryStaysValid)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(htree_directory_stays_valid(), testing::ExitedWithCode(0), "");
}

TEST(Ext2WriteSpecial, Ext4ReadWriteIsRefusedNamingTheFeature)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(ext4_read_write_is_refused_by_name(), testing::ExitedWithCode(0), "");
}
