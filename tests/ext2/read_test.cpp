// ext2/ext4 images made by Debian's mke2fs -d from a host directory tree:
// Husk mounts each one and every file, directory, symlink and special file
// must look the same through Husk as in the source tree on the host.
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vector>

namespace {

struct Image {
    const char* name;
    const char* mkfs_options;
};

// Geometries that exercise every block map: 1 KiB blocks reach triple
// indirection, rev 0 has no features, ext4 uses extents/64bit/flex_bg.
const Image kImages[] = {
    { "ext2-1k-rev0", "-t ext2 -b 1024 -r 0" },
    { "ext2-1k", "-t ext2 -b 1024 -I 128" },
    { "ext2-2k", "-t ext2 -b 2048 -I 256" },
    { "ext2-4k", "-t ext2 -b 4096 -I 256" },
    { "ext4-1k", "-t ext4 -b 1024" },
    { "ext4-4k", "-t ext4" },
};

std::string g_work, g_tree;

void run(const std::string& cmd)
{
    if (std::system(cmd.c_str()) != 0)
        throw std::runtime_error("failed: " + cmd);
}

void write_file(const std::string& path, const std::string& data, int mode = 0644)
{
    int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, mode);
    if (fd < 0 || write(fd, data.data(), data.size()) != ssize_t(data.size()))
        throw std::runtime_error("write " + path);
    close(fd);
    chmod(path.c_str(), mode);
}

void write_at(const std::string& path, off_t offset, const std::string& data)
{
    int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || pwrite(fd, data.data(), data.size(), offset) != ssize_t(data.size()))
        throw std::runtime_error("pwrite " + path);
    close(fd);
}

std::string pattern(size_t n, unsigned seed)
{
    std::string s(n, '\0');
    uint32_t x = seed * 2654435761u + 1;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = char(x >> 16);
    }
    return s;
}

void build_tree(const std::string& t)
{
    std::filesystem::create_directories(t + "/dir/sub/deeper");
    write_file(t + "/empty", "");
    write_file(t + "/one", "1");
    write_file(t + "/page-minus", pattern(4095, 1));
    write_file(t + "/page", pattern(4096, 2));
    write_file(t + "/page-plus", pattern(4097, 3));
    write_file(t + "/indirect", pattern(200 * 1024, 4));        // 1K blocks: single indirect
    write_file(t + "/double", pattern(3 * 1024 * 1024, 5));     // 1K blocks: double indirect
    write_at(t + "/triple-sparse", 70l << 20, "beyond 64 MiB"); // 1K blocks: triple indirect
    write_at(t + "/holes", 0, "start");
    write_at(t + "/holes", 300000, "middle");
    write_at(t + "/holes", 900000, "end");
    write_at(t + "/huge-sparse", (5l << 30) - 3, "5G");           // i_size_high
    // 300 separate data runs: 300 extents, so ext4 needs extent index nodes.
    for (int i = 0; i < 300; ++i)
        write_at(t + "/fragmented", off_t(i) * 16384, pattern(4096, unsigned(100 + i)));
    write_file(t + "/dir/sub/deeper/leaf", "deep leaf\n", 0600);
    write_file(t + "/mode-4755", "x", 04755);
    write_file(t + "/owned", "x", 0640);
    if (chown((t + "/owned").c_str(), 1234, 5678) != 0)
        throw std::runtime_error("chown");
    symlink("one", (t + "/fast-link").c_str());
    symlink(std::string(120, 'p').append("/target").c_str(), (t + "/slow-link").c_str());
    symlink("dir/sub", (t + "/dir-link").c_str());
    link((t + "/one").c_str(), (t + "/dir/hardlink-to-one").c_str());
    mkfifo((t + "/fifo").c_str(), 0600);
    std::filesystem::create_directory(t + "/many");
    for (int i = 0; i < 300; ++i)
        write_file(t + "/many/entry-with-a-fairly-long-name-" + std::to_string(i), std::to_string(i));
    std::filesystem::create_directory(t + "/empty-dir");
}

// Everything a person would compare, for one path.
struct Entry {
    std::string description;
    std::string content;
};

std::string describe(const struct stat& st)
{
    char buf[200];
    std::snprintf(buf, sizeof buf, "mode=0%o nlink=%lu uid=%u gid=%u mtime=%ld", st.st_mode, (unsigned long)st.st_nlink,
                  st.st_uid, st.st_gid, (long)st.st_mtim.tv_sec);
    std::string d = buf;
    if (!S_ISDIR(st.st_mode))
        d += " size=" + std::to_string(st.st_size);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        d += " rdev=" + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
    return d;
}

// Large files are compared at sample offsets; small ones whole.
template<typename PRead>
std::string sample_content(off_t size, PRead pread_fn)
{
    std::string out;
    auto take = [&](off_t at, size_t n) {
        std::string buf(n, '\0');
        long got = pread_fn(buf.data(), n, at);
        out += "@" + std::to_string(at) + ":" + (got < 0 ? "ERR" + std::to_string(-got) : buf.substr(0, size_t(got)));
    };
    if (size <= 4 << 20) {
        take(0, size_t(size) + 1);
    } else {
        for (off_t at : { off_t(0), size / 2, (70l << 20) - 5, size - 4100, size - 3 })
            if (at >= 0 && at < size)
                take(at, 8192);
    }
    return out;
}

void walk_host(const std::string& root, const std::string& rel, std::map<std::string, Entry>& out)
{
    for (auto& e : std::filesystem::directory_iterator(root + rel)) {
        std::string path = rel + "/" + e.path().filename().string();
        struct stat st;
        lstat((root + path).c_str(), &st);
        Entry entry { describe(st), "" };
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlink((root + path).c_str(), target, sizeof target);
            entry.content = std::string(target, size_t(n));
        } else if (S_ISREG(st.st_mode)) {
            int fd = open((root + path).c_str(), O_RDONLY);
            entry.content = sample_content(st.st_size, [&](char* b, size_t n, off_t at) { return long(pread(fd, b, n, at)); });
            close(fd);
        }
        out[path] = entry;
        if (S_ISDIR(st.st_mode))
            walk_host(root, path, out);
    }
}

void walk_husk(const std::string& root, const std::string& rel, std::map<std::string, Entry>& out)
{
    int dir = husk_sys_open((root + rel).c_str(), O_RDONLY | O_DIRECTORY, 0);
    ASSERT_GE(dir, 0) << root + rel << ": " << std::strerror(errno);
    std::vector<std::string> names;
    char buf[4096];
    long n;
    while ((n = husk_sys_getdents64(dir, buf, sizeof buf)) > 0)
        for (long at = 0; at < n; at += *reinterpret_cast<unsigned short*>(buf + at + 16))
            names.push_back(buf + at + 19);
    ASSERT_EQ(n, 0) << std::strerror(errno);
    husk_sys_close(dir);
    for (auto& name : names) {
        if (name == "." || name == ".." || (rel.empty() && name == "lost+found"))
            continue;
        std::string path = rel + "/" + name;
        struct stat st;
        ASSERT_EQ(husk_sys_lstat((root + path).c_str(), &st), 0) << path << ": " << std::strerror(errno);
        Entry entry { describe(st), "" };
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            long len = husk_sys_readlink((root + path).c_str(), target, sizeof target);
            ASSERT_GE(len, 0) << path;
            entry.content = std::string(target, size_t(len));
        } else if (S_ISREG(st.st_mode)) {
            int fd = husk_sys_open((root + path).c_str(), O_RDONLY, 0);
            ASSERT_GE(fd, 0) << path;
            entry.content = sample_content(st.st_size, [&](char* b, size_t n, off_t at) {
                long r = husk_sys_pread64(fd, b, n, at);
                return r < 0 ? -long(errno) : r;
            });
            husk_sys_close(fd);
        }
        out[path] = entry;
        if (S_ISDIR(st.st_mode))
            walk_husk(root, path, out);
    }
}

class Ext2Read : public testing::TestWithParam<Image> {
public:
    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/husk-ext2-XXXXXX";
        g_work = mkdtemp(tmpl);
        g_tree = g_work + "/tree";
        build_tree(g_tree);
        for (auto& image : kImages) {
            std::string img = g_work + "/" + image.name + ".img";
            run("mke2fs -q -F " + std::string(image.mkfs_options) + " -d " + g_tree + " " + img + " 64M >/dev/null");
            ASSERT_GE(husk_attach_hostfile(img.c_str(), 1), 0);
        }
        ASSERT_EQ(husk_init("mem=128 loglevel=error"), 0);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(g_work); }
};

// The device of an image: vda, vdb, ... in kImages order.
std::string device_of(const Image& image)
{
    size_t index = size_t(&image - kImages);
    return std::string("/dev/vd") + char('a' + index);
}

TEST_P(Ext2Read, TreeMatchesTheSourceDirectory)
{
    const Image& image = *std::find_if(std::begin(kImages), std::end(kImages), [&](auto& i) { return !strcmp(i.name, GetParam().name); });
    std::string mnt = std::string("/mnt-") + image.name;
    ASSERT_EQ(husk_sys_mkdir(mnt.c_str(), 0755), 0);
    ASSERT_EQ(husk_sys_mount(device_of(image).c_str(), mnt.c_str(), "ext2", MS_RDONLY, nullptr), 0) << std::strerror(errno);
    std::map<std::string, Entry> host, husk;
    walk_host(g_tree, "", host);
    walk_husk(mnt, "", husk);
    EXPECT_GT(host.size(), 320u) << "the source tree was not walked";
    EXPECT_EQ(host.size(), husk.size());
    for (auto& [path, entry] : host) {
        auto it = husk.find(path);
        if (it == husk.end()) {
            ADD_FAILURE() << path << " is missing in " << image.name;
            continue;
        }
        EXPECT_EQ(entry.description, it->second.description) << path << " in " << image.name;
        EXPECT_TRUE(entry.content == it->second.content) << path << " content differs in " << image.name;
    }
    // Read-only: no changes, and the kernel says why.
    EXPECT_EQ(husk_sys_open((mnt + "/new").c_str(), O_CREAT | O_WRONLY, 0644), -1);
    EXPECT_EQ(errno, EROFS);
    struct statfs sfs;
    ASSERT_EQ(husk_sys_statfs(mnt.c_str(), &sfs), 0);
    EXPECT_EQ(sfs.f_type, 0xEF53);
    EXPECT_GT(sfs.f_blocks, sfs.f_bfree);
    EXPECT_EQ(husk_sys_umount2(mnt.c_str(), 0), 0);
}

TEST_P(Ext2Read, ReadWriteMountOfReadOnlyDeviceIsRefused)
{
    const Image& image = *std::find_if(std::begin(kImages), std::end(kImages), [&](auto& i) { return !strcmp(i.name, GetParam().name); });
    std::string mnt = std::string("/rw-") + image.name;
    ASSERT_EQ(husk_sys_mkdir(mnt.c_str(), 0755), 0);
    EXPECT_EQ(husk_sys_mount(device_of(image).c_str(), mnt.c_str(), "ext2", 0, nullptr), -1);
    EXPECT_EQ(errno, EROFS);
}

INSTANTIATE_TEST_SUITE_P(Images, Ext2Read, testing::ValuesIn(kImages), [](const auto& info) {
    std::string n = info.param.name;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
});

} // namespace
