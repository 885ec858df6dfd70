// Hostile ext2 images: each damage gives a clean error (EINVAL, EUCLEAN,
// EROFS) and a kernel log line naming the problem, never a crash, and the
// image is never written.
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

namespace {

struct Damage {
    const char* name;
    std::string debugfs;          // debugfs -w commands ("" for none)
    bool zero_root_dir_rec_len;   // byte patch: first entry of / gets rec_len 0
    long patch_offset;            // byte patch: a 16-bit value at this offset (-1: none)
    uint16_t patch_value;
    unsigned long mount_flags;
    int mount_errno;              // 0: mounts, then `action` fails
    const char* action;           // what to try after mounting: "list", "read"
    int action_errno;
    const char* log;              // expected in dmesg
};

const std::vector<Damage>& damages()
{
    static const std::vector<Damage> all = {
        { "bad_magic", "", false, 1080, 0x1234, MS_RDONLY, EINVAL, "", 0, "bad magic 0x1234" },
        { "huge_block_size", "ssv log_block_size 7", false, -1, 0, MS_RDONLY, EINVAL, "", 0, "block size 2^7 KiB is not supported" },
        { "zero_blocks_per_group", "ssv blocks_per_group 0", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "0 blocks per group is impossible" },
        { "larger_than_device", "ssv blocks_count 99999999", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "larger than the device" },
        { "too_many_inodes", "ssv inodes_count 4000000000", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "inodes do not fit" },
        { "unknown_incompat", "ssv feature_incompat 0x80000002", false, -1, 0, MS_RDONLY, EINVAL, "", 0, "unsupported incompatible feature unknown (0x80000000)" },
        { "inline_data", "feature inline_data", false, -1, 0, MS_RDONLY, EINVAL, "", 0, "unsupported incompatible feature inline_data" },
        { "needs_recovery_rw", "feature needs_recovery", false, -1, 0, 0, EROFS, "", 0, "needs recovery (needs_recovery)" },
        { "needs_recovery_ro", "feature needs_recovery", false, -1, 0, MS_RDONLY, 0, "read", 0, "" },
        { "inode_table_out_of_range", "set_bg 0 inode_table 9999999", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "group 0: bitmap or inode table block out of range" },
        { "root_not_in_use", "sif <2> mode 0", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "inode 2 has an invalid mode 00" },
        { "root_is_a_file", "sif <2> mode 0100644", false, -1, 0, MS_RDONLY, EUCLEAN, "", 0, "the root inode is not a directory" },
        { "dirent_rec_len_zero", "", true, -1, 0, MS_RDONLY, 0, "list", EUCLEAN, "bad entry at byte 0 (rec_len 0" },
        { "indirect_out_of_range", "sif /big block[IND] 9999999", false, -1, 0, MS_RDONLY, 0, "read", EUCLEAN, "block 9999999 of an indirect block is out of range" },
        { "direct_out_of_range", "sif /big block[3] 4000000000", false, -1, 0, MS_RDONLY, 0, "read", EUCLEAN, "block 4000000000 of file data is out of range" },
        { "file_without_links", "sif /big links_count 0", false, -1, 0, MS_RDONLY, 0, "read", EUCLEAN, "in use but has no links" },
        { "directory_odd_size", "sif /sub size 1000", false, -1, 0, MS_RDONLY, 0, "read", EUCLEAN, "not a whole number of blocks" },
    };
    return all;
}

std::string g_work;
std::vector<std::string> g_images;

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string dmesg()
{
    std::string log(70000, '\0');
    long n = husk_dmesg(log.data(), log.size());
    log.resize(n > 0 ? size_t(n) : 0);
    return log;
}

class Ext2Corrupt : public testing::TestWithParam<size_t> {
public:
    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/husk-corrupt-XXXXXX";
        g_work = mkdtemp(tmpl);
        std::string tree = g_work + "/tree";
        std::filesystem::create_directories(tree + "/sub");
        std::ofstream(tree + "/small") << "small file\n";
        std::ofstream(tree + "/big") << std::string(300000, 'b');
        std::string pristine = g_work + "/pristine.img";
        ASSERT_EQ(std::system(("mke2fs -q -F -t ext2 -b 1024 -d " + tree + " " + pristine + " 4M >/dev/null 2>&1").c_str()), 0);
        for (auto& d : damages()) {
            std::string img = g_work + "/" + d.name + ".img";
            std::filesystem::copy_file(pristine, img);
            if (!d.debugfs.empty())
                ASSERT_EQ(std::system(("debugfs -w -R '" + d.debugfs + "' " + img + " >/dev/null 2>&1").c_str()), 0) << d.name;
            if (d.zero_root_dir_rec_len) {
                // The root directory's first block: ask debugfs where it is.
                std::string out = g_work + "/blocks";
                ASSERT_EQ(std::system(("debugfs -R 'blocks /' " + img + " > " + out + " 2>/dev/null").c_str()), 0);
                long block = std::stol(slurp(out));
                int fd = open(img.c_str(), O_WRONLY);
                uint16_t zero = 0;
                ASSERT_EQ(pwrite(fd, &zero, 2, block * 1024 + 4), 2);
                close(fd);
            }
            if (d.patch_offset >= 0) {
                int fd = open(img.c_str(), O_WRONLY);
                ASSERT_EQ(pwrite(fd, &d.patch_value, 2, d.patch_offset), 2);
                close(fd);
            }
            g_images.push_back(slurp(img));
            ASSERT_FALSE(g_images.back() == slurp(pristine)) << d.name << ": the damage was not applied";
            ASSERT_GE(husk_attach_hostfile(img.c_str(), 0), 0);
        }
        ASSERT_EQ(husk_init("mem=64 loglevel=debug"), 0);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(g_work); }
};

TEST_P(Ext2Corrupt, CleanErrorNamingTheProblem)
{
    const Damage& d = damages()[GetParam()];
    std::string dev = std::string("/dev/vd") + char('a' + GetParam());
    std::string mnt = std::string("/") + d.name;
    ASSERT_EQ(husk_sys_mkdir(mnt.c_str(), 0755), 0);
    int r = husk_sys_mount(dev.c_str(), mnt.c_str(), "ext2", d.mount_flags, nullptr);
    if (d.mount_errno) {
        EXPECT_EQ(r, -1);
        EXPECT_EQ(errno, d.mount_errno) << std::strerror(errno);
    } else {
        ASSERT_EQ(r, 0) << std::strerror(errno);
        std::string target = mnt + (std::string(d.name).find("directory") != std::string::npos ? "/sub" : "/big");
        long result;
        if (std::string(d.action) == "list") {
            int fd = husk_sys_open(mnt.c_str(), O_RDONLY | O_DIRECTORY, 0);
            char buf[4096];
            result = fd < 0 ? -1 : husk_sys_getdents64(fd, buf, sizeof buf);
            if (fd >= 0)
                husk_sys_close(fd);
            struct stat st;
            EXPECT_EQ(husk_sys_stat((mnt + "/small").c_str(), &st), -1) << "lookup must fail too";
        } else {
            int fd = husk_sys_open(target.c_str(), O_RDONLY, 0);
            std::vector<char> buf(400000);
            result = fd < 0 ? -1 : husk_sys_read(fd, buf.data(), buf.size());
            if (fd >= 0)
                husk_sys_close(fd);
        }
        if (d.action_errno) {
            EXPECT_EQ(result, -1);
            EXPECT_EQ(errno, d.action_errno) << std::strerror(errno);
        } else {
            EXPECT_GE(result, 0) << std::strerror(errno);
        }
        EXPECT_EQ(husk_sys_umount2(mnt.c_str(), 0), 0);
    }
    if (*d.log)
        EXPECT_NE(dmesg().find(d.log), std::string::npos) << "expected a log line containing: " << d.log << "\n" << dmesg();
    // Never write to an image that failed validation (or to any image: the
    // write path does not exist yet).
    EXPECT_TRUE(slurp(g_work + "/" + d.name + ".img") == g_images[GetParam()]) << "the image was modified";
}

INSTANTIATE_TEST_SUITE_P(Damages, Ext2Corrupt, testing::Range<size_t>(0, 17),
                         [](const auto& info) { return std::string(damages()[info.param].name); });

} // namespace
