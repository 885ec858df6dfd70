// Hostile ISO 9660 images: each damage of a genisoimage -R image gives a
// clean error (EINVAL when nothing says ISO 9660, EUCLEAN for damaged
// metadata) and a kernel log line naming the problem, never a crash or a
// hang. Damages at the root fail the mount; deeper ones the lookup. A
// Rock Ridge entry overrunning its area ends that record's Rock Ridge
// data with a warning, as Linux ignores the rest (genisoimage writes such
// entries for symlinks of more than about 500 bytes).
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

using Image = std::string;

uint32_t le32(const Image& img, size_t at)
{
    return uint32_t(uint8_t(img[at])) | uint32_t(uint8_t(img[at + 1])) << 8 | uint32_t(uint8_t(img[at + 2])) << 16
        | uint32_t(uint8_t(img[at + 3])) << 24;
}

// Writes a both-endian 32-bit number (little-endian half, then big-endian).
void put733(Image& img, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; ++i) {
        img[at + i] = char(v >> (8 * i));
        img[at + 7 - i] = char(v >> (8 * i));
    }
}

// The byte offset of the record in the directory at `extent` whose ISO
// name starts with `prefix` (or npos).
size_t find_record(const Image& img, uint32_t extent, const std::string& prefix)
{
    uint32_t size = le32(img, size_t(extent) * 2048 + 10);
    for (size_t at = size_t(extent) * 2048, end = at + size; at < end;) {
        uint8_t len = uint8_t(img[at]);
        if (len == 0) {
            at = (at / 2048 + 1) * 2048;
            continue;
        }
        if (img.compare(at + 33, prefix.size(), prefix) == 0)
            return at;
        at += len;
    }
    return std::string::npos;
}

uint32_t root_extent(const Image& img) { return le32(img, 16 * 2048 + 156 + 2); }
uint32_t extent_of(const Image& img, size_t record) { return le32(img, record + 2); }

// The CE entry in a record's system use area (or npos).
size_t find_ce(const Image& img, size_t record)
{
    size_t len = uint8_t(img[record]), name = uint8_t(img[record + 32]);
    for (size_t at = record + 33 + name + (name % 2 ? 0 : 1); at + 4 <= record + len; at += uint8_t(img[at + 2])) {
        if (img[at] == 'C' && img[at + 1] == 'E')
            return at;
        if (uint8_t(img[at + 2]) < 4)
            break;
    }
    return std::string::npos;
}

struct Damage {
    const char* name;
    std::function<void(Image&)> apply;
    int mount_errno;      // 0: mounts, then looking up `path` fails
    const char* path;     // under the mount point
    int lookup_errno;     // 0: the lookup works
    const char* log;      // expected in dmesg
};

const std::vector<Damage>& damages()
{
    static const std::vector<Damage> all = {
        { "truncated", [](Image& img) { img.resize(40 * 2048); }, EUCLEAN, "", 0, "truncated: the volume has" },
        { "truncated_descriptors", [](Image& img) { img.resize(17 * 2048); }, EUCLEAN, "", 0,
          "truncated: the volume descriptors run past the end of the device" },
        { "zeroed_descriptor", [](Image& img) { std::fill(img.begin() + 16 * 2048, img.begin() + 17 * 2048, '\0'); }, EINVAL,
          "", 0, "zeroed volume descriptor at sector 16" },
        { "no_terminator",
          [](Image& img) {
              for (size_t s = 17; s < 17 + 64; ++s) // every descriptor after the primary a copy of it
                  img.replace(s * 2048, 2048, img, 16 * 2048, 2048);
          },
          EUCLEAN, "", 0, "no volume descriptor set terminator" },
        { "directory_is_root", [](Image& img) { put733(img, find_record(img, root_extent(img), "SUB") + 2, root_extent(img)); },
          EUCLEAN, "", 0, "leads back to the root (a loop)" },
        { "directory_is_itself",
          [](Image& img) {
              uint32_t sub = extent_of(img, find_record(img, root_extent(img), "SUB"));
              put733(img, find_record(img, sub, "INNER") + 2, sub);
          },
          0, "/sub/inner", EUCLEAN, "leads back to that directory itself (a loop)" },
        { "huge_extent", [](Image& img) { put733(img, find_record(img, root_extent(img), "BIG") + 2, 0x7fffffff); }, EUCLEAN,
          "", 0, "is past the end of the volume" },
        { "huge_size", [](Image& img) { put733(img, find_record(img, root_extent(img), "BIG") + 10, 0xfffff000); }, EUCLEAN,
          "", 0, "is past the end of the volume" },
        { "root_extent_past_end", [](Image& img) { put733(img, 16 * 2048 + 156 + 2, 0x10000000); }, EUCLEAN, "", 0,
          "the root directory at sector 268435456 is past the end of the volume" },
        { "continuation_loop",
          [](Image& img) {
              // The CE of the long symlink's record continues at itself.
              size_t ce = find_ce(img, find_record(img, root_extent(img), "LINK_LON"));
              if (ce == std::string::npos)
                  return;
              put733(img, ce + 4, uint32_t(ce / 2048));
              put733(img, ce + 12, uint32_t(ce % 2048));
              put733(img, ce + 20, 28);
          },
          EUCLEAN, "", 0, "Rock Ridge continuation areas for one record (a loop?)" },
        { "rock_ridge_overrun",
          [](Image& img) {
              size_t record = find_record(img, root_extent(img), "SMALL");
              size_t name = uint8_t(img[record + 32]);
              img[record + 33 + name + (name % 2 ? 0 : 1) + 2] = char(250);
          },
          0, "/small", 0, "overruns its area at record byte" }, // ignored from there on, as Linux does
    };
    return all;
}

std::string g_work;
std::vector<Image> g_images;

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string dmesg()
{
    std::string log(200000, '\0');
    long n = husk_dmesg(log.data(), log.size());
    log.resize(n > 0 ? size_t(n) : 0);
    return log;
}

class IsoCorrupt : public testing::TestWithParam<size_t> {
public:
    static void SetUpTestSuite()
    {
        const char* tmp = getenv("TMPDIR");
        std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-isocorrupt-XXXXXX";
        g_work = mkdtemp(tmpl.data());
        std::string tree = g_work + "/tree";
        std::filesystem::create_directories(tree + "/sub/inner");
        std::ofstream(tree + "/small") << "small file\n";
        std::ofstream(tree + "/big") << std::string(300000, 'b');
        // Long enough for a continuation area (longer ones genisoimage writes wrongly).
        symlink(("../" + std::string(150, 'x') + "/" + std::string(150, 'y')).c_str(), (tree + "/link_long").c_str());
        std::string pristine = g_work + "/pristine.iso";
        ASSERT_EQ(std::system(("genisoimage -quiet -R -o " + pristine + " " + tree + " >/dev/null 2>&1").c_str()), 0);
        Image clean = slurp(pristine);
        ASSERT_NE(find_ce(clean, find_record(clean, root_extent(clean), "LINK_LON")), std::string::npos)
            << "the long symlink's record has no continuation area";
        for (auto& d : damages()) {
            Image img = clean;
            d.apply(img);
            ASSERT_NE(img, clean) << d.name << ": the damage was not applied";
            std::string path = g_work + "/" + d.name + ".iso";
            std::ofstream(path, std::ios::binary) << img;
            g_images.push_back(img);
            ASSERT_GE(husk_attach_hostfile(path.c_str(), 1), 0);
        }
        ASSERT_EQ(husk_init("mem=64 loglevel=debug"), 0);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(g_work); }
};

TEST_P(IsoCorrupt, CleanErrorNamingTheProblem)
{
    const Damage& d = damages()[GetParam()];
    std::string dev = std::string("/dev/vd") + char('a' + GetParam());
    std::string mnt = std::string("/") + d.name;
    ASSERT_EQ(husk_sys_mkdir(mnt.c_str(), 0755), 0);
    int r = husk_sys_mount(dev.c_str(), mnt.c_str(), "iso9660", MS_RDONLY, nullptr);
    if (d.mount_errno) {
        EXPECT_EQ(r, -1);
        EXPECT_EQ(errno, d.mount_errno) << std::strerror(errno);
    } else {
        ASSERT_EQ(r, 0) << std::strerror(errno) << "\n" << dmesg();
        struct stat st;
        EXPECT_EQ(husk_sys_stat((mnt + d.path).c_str(), &st), d.lookup_errno ? -1 : 0);
        if (d.lookup_errno)
            EXPECT_EQ(errno, d.lookup_errno) << std::strerror(errno);
        EXPECT_EQ(husk_sys_umount2(mnt.c_str(), 0), 0);
    }
    EXPECT_NE(dmesg().find(d.log), std::string::npos) << "expected a log line containing: " << d.log << "\n" << dmesg();
    EXPECT_TRUE(slurp(g_work + "/" + d.name + ".iso") == g_images[GetParam()]) << "the image was modified";
}

INSTANTIATE_TEST_SUITE_P(Damages, IsoCorrupt, testing::Range<size_t>(0, 11),
                         [](const auto& info) { return std::string(damages()[info.param].name); });

} // namespace
