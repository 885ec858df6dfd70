// ISO 9660 images made by the ordinary tools (genisoimage -R -J, xorriso
// -as mkisofs -R -J, genisoimage -J) from one source tree, mounted by the
// hosted kernel: every name, mode, owner, size, link count, mtime, symlink
// target and every file's bytes equal what the host sees in the tree. The
// tree has long names, symlinks, odd modes, hard links and directories
// deeper than ISO 9660's 8 levels (Rock Ridge relocation).
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

std::string g_work;

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void put(const std::string& path, const std::string& content, mode_t mode, time_t mtime)
{
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), mode);
    struct timeval t[2] = { { mtime, 0 }, { mtime, 0 } };
    utimes(path.c_str(), t);
}

void make_tree(const std::string& t)
{
    namespace fs = std::filesystem;
    fs::create_directories(t + "/sub/inner");
    std::string deep = t + "/deep";
    for (int i = 1; i <= 11; ++i)
        deep += "/level" + std::to_string(i);
    fs::create_directories(deep);
    put(deep + "/bottom.txt", "eleven levels down\n", 0644, 1600000000);
    put(t + "/hello.txt", "hello, iso\n", 0644, 1500000000);
    put(t + "/empty", "", 0600, 1500000001);
    put(t + "/script.sh", "#!/bin/sh\necho hi\n", 0755, 1500000002);
    put(t + "/private", "secret\n", 0640, 1500000003);
    std::string big;
    for (int i = 0; i < 300000; ++i)
        big += char('a' + (unsigned(i) * 7919u) % 26u);
    put(t + "/sub/big.bin", big, 0644, 1500000004);
    put(t + "/sub/inner/note", "inner\n", 0444, 1500000005);
    put(t + "/" + std::string(180, 'L') + ".long-name-beyond-joliet", "long\n", 0644, 1500000006);
    put(t + "/Mixed Case And Spaces.TXT", "mixed\n", 0644, 1500000007);
    put(t + "/caf\xc3\xa9-\xe2\x82\xac.txt", "utf8\n", 0644, 1500000008);
    symlink("hello.txt", (t + "/link-relative").c_str());
    symlink("/etc/hostname", (t + "/link-absolute").c_str());
    symlink("sub/inner/../big.bin", (t + "/link-dots").c_str());
    symlink("does/not/exist", (t + "/link-dangling").c_str());
    symlink(("../" + std::string(150, 'x') + "/" + std::string(150, 'y')).c_str(), (t + "/sub/link-long").c_str());
    link((t + "/hello.txt").c_str(), (t + "/hard-link").c_str());
    chmod((t + "/sub/inner").c_str(), 0750);
    for (const char* d : { "/sub/inner", "/sub", "/deep" }) {
        struct timeval tv[2] = { { 1400000000, 0 }, { 1400000000, 0 } };
        utimes((t + d).c_str(), tv);
    }
}

// A listing line per entry (sorted by path) and the bytes of every file.
struct Listing {
    std::map<std::string, std::string> lines;
    std::map<std::string, std::string> contents;
};

std::string line_for(const struct stat& st, const std::string& target, bool rock)
{
    std::ostringstream o;
    o << std::oct << st.st_mode << std::dec;
    if (rock)
        o << " uid " << st.st_uid << " gid " << st.st_gid;
    if (!S_ISDIR(st.st_mode))
        o << " size " << st.st_size << " nlink " << st.st_nlink;
    if (!S_ISLNK(st.st_mode))
        o << " mtime " << st.st_mtime;
    if (S_ISLNK(st.st_mode))
        o << " -> " << target;
    return o.str();
}

void list_host(const std::string& root, const std::string& rel, Listing& out)
{
    DIR* d = opendir((root + rel).c_str());
    ASSERT_NE(d, nullptr);
    while (struct dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        std::string path = rel + "/" + name, full = root + path;
        struct stat st;
        ASSERT_EQ(lstat(full.c_str(), &st), 0);
        char target[4096] = {};
        if (S_ISLNK(st.st_mode))
            ASSERT_GT(readlink(full.c_str(), target, sizeof target - 1), 0);
        out.lines[path] = line_for(st, target, true);
        if (S_ISREG(st.st_mode))
            out.contents[path] = slurp(full);
        if (S_ISDIR(st.st_mode))
            list_host(root, path, out);
    }
    closedir(d);
}

void list_husk(const std::string& root, const std::string& rel, Listing& out, bool rock)
{
    int fd = husk_sys_open((root + rel).c_str(), O_RDONLY | O_DIRECTORY, 0);
    ASSERT_GE(fd, 0) << root + rel << ": " << std::strerror(errno);
    char buf[8192];
    long n;
    std::vector<std::string> names;
    while ((n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < n; at += *reinterpret_cast<unsigned short*>(buf + at + 16))
            names.push_back(buf + at + 19);
    ASSERT_EQ(n, 0) << std::strerror(errno);
    husk_sys_close(fd);
    for (const std::string& name : names) {
        if (name == "." || name == "..")
            continue;
        if (rel.empty() && (name == "rr_moved" || name == ".rr_moved"))
            continue; // where mkisofs relocated the deep directories (Linux shows it too)
        std::string path = rel + "/" + name, full = root + path;
        struct stat st;
        ASSERT_EQ(husk_sys_lstat(full.c_str(), &st), 0) << full << ": " << std::strerror(errno);
        char target[4096] = {};
        if (S_ISLNK(st.st_mode))
            ASSERT_GT(husk_sys_readlink(full.c_str(), target, sizeof target - 1), 0);
        out.lines[path] = line_for(st, target, rock);
        if (S_ISREG(st.st_mode)) {
            int f = husk_sys_open(full.c_str(), O_RDONLY, 0);
            ASSERT_GE(f, 0) << full;
            std::string data;
            char chunk[65536];
            long got;
            while ((got = husk_sys_read(f, chunk, sizeof chunk)) > 0)
                data.append(chunk, size_t(got));
            ASSERT_EQ(got, 0) << full << ": " << std::strerror(errno);
            husk_sys_close(f);
            out.contents[path] = data;
        }
        if (S_ISDIR(st.st_mode))
            list_husk(root, path, out, rock);
    }
}

void expect_same(const Listing& want, const Listing& got)
{
    for (auto& [path, line] : want.lines) {
        auto it = got.lines.find(path);
        if (it == got.lines.end())
            ADD_FAILURE() << "missing under Husk: " << path;
        else
            EXPECT_EQ(it->second, line) << path;
    }
    for (auto& [path, line] : got.lines)
        EXPECT_TRUE(want.lines.count(path)) << "extra under Husk: " << path << " " << line;
    for (auto& [path, data] : want.contents) {
        auto it = got.contents.find(path);
        EXPECT_TRUE(it != got.contents.end() && it->second == data) << "contents differ: " << path;
    }
}

std::string dmesg()
{
    std::string log(200000, '\0');
    long n = husk_dmesg(log.data(), log.size());
    log.resize(n > 0 ? size_t(n) : 0);
    return log;
}

// Images in attach order: /dev/vda, vdb, ...
const char* const kImages[] = { "genisoimage-rj", "xorriso-rj", "joliet" };

class Iso : public testing::Test {
public:
    static void SetUpTestSuite()
    {
        const char* tmp = getenv("TMPDIR");
        std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-iso-XXXXXX";
        g_work = mkdtemp(tmpl.data());
        make_tree(g_work + "/tree");
        // Joliet keeps no symlinks, modes or deep directories: a tree of its own.
        std::filesystem::create_directories(g_work + "/jtree/Sub Dir");
        put(g_work + "/jtree/ReadMe.Txt", "joliet\n", 0644, 1500000000);
        put(g_work + "/jtree/caf\xc3\xa9.txt", "utf8\n", 0644, 1500000001);
        put(g_work + "/jtree/Sub Dir/data.bin", std::string(5000, 'd'), 0644, 1500000002);
        std::string quiet = " >/dev/null 2>&1";
        ASSERT_EQ(std::system(("genisoimage -quiet -R -J -joliet-long -o " + g_work + "/genisoimage-rj.iso " + g_work + "/tree" + quiet).c_str()), 0);
        ASSERT_EQ(std::system(("xorriso -as mkisofs -R -J -joliet-long -o " + g_work + "/xorriso-rj.iso " + g_work + "/tree" + quiet).c_str()), 0);
        ASSERT_EQ(std::system(("genisoimage -quiet -J -input-charset utf-8 -o " + g_work + "/joliet.iso " + g_work + "/jtree" + quiet).c_str()), 0);
        for (const char* image : kImages)
            ASSERT_GE(husk_attach_hostfile((g_work + "/" + image + ".iso").c_str(), 1), 0);
        ASSERT_EQ(husk_init("mem=64 loglevel=info"), 0);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(g_work); }

    static void mount(int index)
    {
        std::string dev = std::string("/dev/vd") + char('a' + index), mnt = std::string("/") + kImages[index];
        husk_sys_mkdir(mnt.c_str(), 0755);
        ASSERT_EQ(husk_sys_mount(dev.c_str(), mnt.c_str(), "iso9660", MS_RDONLY, nullptr), 0)
            << kImages[index] << ": " << std::strerror(errno) << "\n" << dmesg();
    }
    static void unmount(int index) { EXPECT_EQ(husk_sys_umount2((std::string("/") + kImages[index]).c_str(), 0), 0); }
};

TEST_F(Iso, GenisoimageRockRidgeEqualsTheTree)
{
    Listing want, got;
    list_host(g_work + "/tree", "", want);
    mount(0);
    list_husk("/genisoimage-rj", "", got, true);
    expect_same(want, got);
    unmount(0);
}

TEST_F(Iso, XorrisoRockRidgeEqualsTheTree)
{
    Listing want, got;
    list_host(g_work + "/tree", "", want);
    mount(1);
    list_husk("/xorriso-rj", "", got, true);
    expect_same(want, got);
    unmount(1);
}

TEST_F(Iso, JolietNamesWithoutRockRidge)
{
    mount(2);
    Listing got;
    list_husk("/joliet", "", got, false);
    std::map<std::string, std::string> want = {
        { "/ReadMe.Txt", "100555 size 7 nlink 1 mtime 1500000000" },
        { "/caf\xc3\xa9.txt", "100555 size 5 nlink 1 mtime 1500000001" },
        { "/Sub Dir", "" }, // a directory: its mtime is when the image was made
        { "/Sub Dir/data.bin", "100555 size 5000 nlink 1 mtime 1500000002" },
    };
    EXPECT_EQ(got.lines.size(), want.size());
    for (auto& [path, line] : want)
        if (!line.empty())
            EXPECT_EQ(got.lines[path], line) << path;
    EXPECT_EQ(got.lines["/Sub Dir"].substr(0, 6), "40555 ");
    EXPECT_EQ(got.contents["/Sub Dir/data.bin"], std::string(5000, 'd'));
    unmount(2);
}

TEST_F(Iso, ReadOnlyAndStatfsAsLinux)
{
    mount(0);
    errno = 0;
    EXPECT_EQ(husk_sys_open("/genisoimage-rj/new", O_WRONLY | O_CREAT, 0644), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_open("/genisoimage-rj/hello.txt", O_WRONLY, 0), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_mkdir("/genisoimage-rj/dir", 0755), -1);
    EXPECT_EQ(errno, EROFS);
    EXPECT_EQ(husk_sys_unlink("/genisoimage-rj/hello.txt"), -1);
    EXPECT_EQ(errno, EROFS);
    struct statfs sf;
    ASSERT_EQ(husk_sys_statfs("/genisoimage-rj", &sf), 0);
    EXPECT_EQ(sf.f_type, 0x9660);
    EXPECT_EQ(sf.f_bsize, 2048);
    EXPECT_EQ(sf.f_bfree, 0u);
    EXPECT_EQ(sf.f_namelen, 255);
    EXPECT_EQ(std::filesystem::file_size(g_work + "/genisoimage-rj.iso") / 2048, sf.f_blocks);
    unmount(0);
}

} // namespace
