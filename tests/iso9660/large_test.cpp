// A 5 GiB sparse file in an ISO image made by xorriso -as mkisofs
// -iso-level 3: ISO 9660 sizes are 32-bit, so the file is two extents
// (multi-extent records). Under Husk it has its whole size, and reads at
// its start, across the extents' seam and at its end equal the host file.
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr off_t kSize = 5LL << 30;

std::string tag(size_t i) { return "marker-" + std::to_string(i) + "!"; } // 9 bytes, each its own

TEST(IsoLarge, MultiExtentFileOver4GiB)
{
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-isolarge-XXXXXX";
    std::string work = mkdtemp(tmpl.data());
    std::filesystem::create_directories(work + "/tree");
    std::string huge = work + "/tree/huge";
    int fd = open(huge.c_str(), O_RDWR | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, kSize), 0);
    // Markers where a wrong section offset would show: the start, both
    // sides of every 2 KiB step around 4 GiB, the end.
    const off_t marks[] = { 0, (4LL << 30) - 4096 - 7, (4LL << 30) - 2048 - 7, (4LL << 30) - 7, (4LL << 30) + 2041, kSize - 9 };
    constexpr size_t kMarks = sizeof marks / sizeof marks[0];
    for (size_t i = 0; i < kMarks; ++i)
        ASSERT_EQ(pwrite(fd, tag(i).data(), 9, marks[i]), 9);
    close(fd);
    std::string iso = work + "/large.iso";
    ASSERT_EQ(std::system(("xorriso -as mkisofs -iso-level 3 -R -o " + iso + " " + work + "/tree >/dev/null 2>&1").c_str()), 0);
    std::filesystem::remove(huge);
    ASSERT_GE(husk_attach_hostfile(iso.c_str(), 1), 0);
    ASSERT_EQ(husk_init("mem=64 loglevel=info"), 0);
    ASSERT_EQ(husk_sys_mkdir("/iso", 0755), 0);
    ASSERT_EQ(husk_sys_mount("/dev/vda", "/iso", "iso9660", MS_RDONLY, nullptr), 0) << std::strerror(errno);
    struct stat st;
    ASSERT_EQ(husk_sys_stat("/iso/huge", &st), 0);
    EXPECT_EQ(st.st_size, kSize);
    int in = husk_sys_open("/iso/huge", O_RDONLY, 0);
    ASSERT_GE(in, 0);
    for (off_t at : marks) {
        // 8 KiB around each marker: zeros and the markers inside the window.
        off_t from = std::max<off_t>(0, at - 4096), to = std::min<off_t>(kSize, at + 4096);
        std::string want(size_t(to - from), '\0');
        for (size_t i = 0; i < kMarks; ++i)
            if (marks[i] >= from && marks[i] + 9 <= to)
                want.replace(size_t(marks[i] - from), 9, tag(i));
        std::string got(want.size(), 'x');
        EXPECT_EQ(husk_sys_pread64(in, got.data(), got.size(), from), long(got.size())) << at;
        EXPECT_TRUE(got == want) << "bytes around " << at << " differ";
    }
    char c;
    EXPECT_EQ(husk_sys_pread64(in, &c, 1, kSize), 0);
    husk_sys_close(in);
    EXPECT_EQ(husk_sys_umount2("/iso", 0), 0);
    std::filesystem::remove_all(work);
}

} // namespace
