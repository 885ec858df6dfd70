// The block layer and the buffer cache over a host file. Each test runs in
// a fresh child process: devices are attached before the kernel boots.
#include "block/BlockDevice.h"
#include "block/BufferCache.h"
#include "core/Heap.h"
#include "core/Reclaim.h"
#include "mm/PageRefs.h"
#include "Boot.h"
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

using namespace husk;

namespace {

constexpr uint32_t kBlock = 1024;

// A 256 KiB host file where block i is filled with the byte 'A' + i % 26.
int make_image(std::string& path, bool read_only = false)
{
    char name[] = "/tmp/husk-block-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        _exit(20);
    for (int i = 0; i < 256; ++i) {
        std::string block(kBlock, char('A' + i % 26));
        if (write(fd, block.data(), block.size()) != ssize_t(block.size()))
            _exit(21);
    }
    path = name;
    if (husk_attach_hostfile(name, read_only) != 0 || husk_init("mem=32 bcache_mib=1") != 0)
        _exit(22);
    return fd;
}

char host_byte(int fd, off_t at)
{
    char c = 0;
    if (pread(fd, &c, 1, at) != 1)
        _exit(23);
    return c;
}

#define REQUIRE(cond, code) \
    do {                    \
        if (!(cond))        \
            _exit(code);    \
    } while (0)

[[noreturn]] void device_io()
{
    std::string path;
    int fd = make_image(path);
    BlockDevice* dev = BlockDevice::find("/dev/vda");
    REQUIRE(dev && BlockDevice::count() == 1 && BlockDevice::find("vdb") == nullptr, 1);
    REQUIRE(dev->size_bytes() == 256 * kBlock && std::string(dev->name()) == "vda", 2);
    static char buf[3 * kBlock];
    REQUIRE(!dev->read(5 * kBlock, buf, sizeof buf).is_error() && buf[0] == 'F' && buf[2 * kBlock] == 'H', 3);
    REQUIRE(dev->read(100, buf, 512).error().code() == EINVAL, 4);          // unaligned
    REQUIRE(dev->read(255 * kBlock, buf, 2 * kBlock).error().code() == EIO, 5); // past the end
    memset(buf, 'z', kBlock);
    REQUIRE(!dev->write(10 * kBlock, buf, kBlock).is_error() && !dev->flush().is_error(), 6);
    REQUIRE(host_byte(fd, 10 * kBlock + 7) == 'z', 7);
    // Large transfers are split into several requests.
    static char big[200 * kBlock];
    REQUIRE(!dev->read(0, big, sizeof big).is_error() && big[199 * kBlock] == char('A' + 199 % 26), 8);
    unlink(path.c_str());
    _exit(0);
}

[[noreturn]] void read_only_device()
{
    std::string path;
    make_image(path, true);
    unlink(path.c_str());
    BlockDevice* dev = BlockDevice::find("vda");
    static char buf[kBlock];
    REQUIRE(dev && dev->is_read_only(), 1);
    REQUIRE(dev->write(0, buf, kBlock).error().code() == EROFS, 2);
    REQUIRE(!dev->read(0, buf, kBlock).is_error(), 3);
    _exit(0);
}

[[noreturn]] void cache_write_back()
{
    std::string path;
    int fd = make_image(path);
    BlockDevice& dev = *BlockDevice::find("vda");
    {
        auto b = BufferCache::get(dev, 3, kBlock);
        REQUIRE(!b.is_error() && b.value().data()[0] == 'D', 1);
        memcpy(b.value().data(), "changed", 7);
        b.value().mark_dirty();
    }
    REQUIRE(host_byte(fd, 3 * kBlock) == 'D', 2); // write-back: not yet on disk
    auto again = BufferCache::get(dev, 3, kBlock);
    REQUIRE(!again.is_error() && memcmp(again.value().data(), "changed", 7) == 0, 3);
    auto stats = BufferCache::stats();
    REQUIRE(stats.hits >= 1 && stats.misses >= 1 && stats.dirty == 1, 4);
    REQUIRE(BufferCache::get(dev, 3, 2048).error().code() == EINVAL, 5); // one block size per device
    REQUIRE(BufferCache::get(dev, 1000, kBlock).error().code() == EIO, 6); // past the end
    REQUIRE(!BufferCache::sync(dev).is_error(), 7);
    REQUIRE(host_byte(fd, 3 * kBlock) == 'c' && BufferCache::stats().dirty == 0, 8);
    unlink(path.c_str());
    _exit(0);
}

[[noreturn]] void cache_eviction_keeps_writes()
{
    std::string path;
    int fd = make_image(path);
    BlockDevice& dev = *BlockDevice::find("vda");
    BufferCache::set_budget(8 * kBlock);
    for (uint64_t block = 0; block < 200; ++block) {
        auto b = BufferCache::get(dev, block, kBlock);
        REQUIRE(!b.is_error(), 1);
        b.value().data()[1] = '!';
        b.value().mark_dirty();
    }
    auto stats = BufferCache::stats();
    REQUIRE(stats.cached_bytes <= 8 * kBlock && stats.evictions >= 190 && stats.writebacks >= 190, 2);
    // Evicted dirty blocks were written before their memory was reused.
    REQUIRE(host_byte(fd, 17 * kBlock + 1) == '!' && host_byte(fd, 17 * kBlock) == char('A' + 17), 3);
    REQUIRE(!BufferCache::sync(dev).is_error(), 4);
    for (int block = 0; block < 200; ++block)
        REQUIRE(host_byte(fd, block * kBlock + 1) == '!', 5);
    // Held buffers are never evicted, even over budget.
    auto held = BufferCache::get(dev, 250, kBlock);
    for (uint64_t block = 0; block < 50; ++block)
        (void)BufferCache::get(dev, block, kBlock);
    REQUIRE(held.value().data()[0] == char('A' + 250 % 26), 6);
    unlink(path.c_str());
    _exit(0);
}

// A host file of `blocks` page-sized blocks (block i filled with 'a' + i %
// 26), attached before a 32 MiB kernel boots with the default budget.
int make_page_image(std::string& path, int blocks)
{
    char name[] = "/tmp/husk-block-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        _exit(20);
    for (int i = 0; i < blocks; ++i) {
        std::string block(kPageSize, char('a' + i % 26));
        if (write(fd, block.data(), block.size()) != ssize_t(block.size()))
            _exit(21);
    }
    path = name;
    if (husk_attach_hostfile(name, 0) != 0 || husk_init("mem=32") != 0)
        _exit(22);
    return fd;
}

// The eviction policy under memory pressure (Reclaim's shrinker and the
// low watermark): clean unheld buffers go first, least recently used
// first; held buffers (ext2's metadata, a mapped file's pinned pages) and
// pages someone else still owns stay; dirty ones are written back first,
// and only where the caller may wait.
[[noreturn]] void cache_gives_memory_back()
{
    std::string path;
    int fd = make_page_image(path, 512);
    BlockDevice& dev = *BlockDevice::find("vda");
    for (uint64_t block = 0; block < 300; ++block)
        REQUIRE(!BufferCache::get(dev, block, kPageSize).is_error(), 1);
    auto held = BufferCache::get(dev, 300, kPageSize).release_value();
    for (uint64_t block = 301; block < 311; ++block) {
        auto b = BufferCache::get(dev, block, kPageSize).release_value();
        b.data()[0] = '!';
        b.mark_dirty();
    }
    void* mapped = nullptr; // as a FileCache's mapping would hold it
    {
        auto b = BufferCache::get(dev, 311, kPageSize).release_value();
        mapped = b.data();
        PageRefs::share(mapped);
    }
    REQUIRE(BufferCache::stats().buffers == 312, 2);

    // Clean buffers, oldest first, as many as asked.
    size_t free_before = Heap::stats().free_pages;
    REQUIRE(BufferCache::shrink(50, false) == 50, 3);
    REQUIRE(Heap::stats().free_pages == free_before + 50, 4);
    REQUIRE(!BufferCache::contains(dev, 49) && BufferCache::contains(dev, 50), 5);
    // Without waiting: every clean one, no dirty one, nothing held or shared.
    REQUIRE(BufferCache::shrink(1000, false) == 250, 6);
    for (uint64_t block = 300; block < 312; ++block)
        REQUIRE(BufferCache::contains(dev, block), 7);
    REQUIRE(host_byte(fd, 301 * off_t(kPageSize)) == char('a' + 301 % 26), 8);
    // Waiting allowed: the dirty ones are written, then go.
    REQUIRE(BufferCache::shrink(1000, true) == 10, 9);
    for (uint64_t block = 301; block < 311; ++block)
        REQUIRE(!BufferCache::contains(dev, block) && host_byte(fd, off_t(block * kPageSize)) == '!', 10);
    REQUIRE(BufferCache::contains(dev, 300) && BufferCache::contains(dev, 311), 11);
    REQUIRE(held.data()[0] == char('a' + 300 % 26) && static_cast<char*>(mapped)[0] == char('a' + 311 % 26), 12);
    PageRefs::release(mapped); // the "mapping" goes: now the cache's alone
    REQUIRE(BufferCache::shrink(1, false) == 1 && !BufferCache::contains(dev, 311), 13);

    // Below the low watermark, a new block reuses old ones' memory: the
    // cache stops growing and frees memory up to the high watermark.
    for (uint64_t block = 0; block < 200; ++block)
        REQUIRE(!BufferCache::get(dev, block, kPageSize).is_error(), 14);
    std::vector<void*> eaten;
    while (Heap::stats().free_pages >= Reclaim::low_watermark())
        eaten.push_back(Heap::allocate_pages(1));
    size_t buffers = BufferCache::stats().buffers;
    REQUIRE(!BufferCache::get(dev, 400, kPageSize).is_error(), 15);
    REQUIRE(BufferCache::stats().buffers < buffers && Heap::stats().free_pages >= Reclaim::low_watermark(), 16);
    REQUIRE(!BufferCache::contains(dev, 0) && BufferCache::contains(dev, 199), 17);

    // A safe point's reclaim with no page left: every buffer it may take
    // (the high watermark is out of reach), not the held one.
    while (Heap::stats().free_pages > 0)
        eaten.push_back(Heap::allocate_pages(1));
    auto before = Reclaim::stats();
    REQUIRE(Reclaim::reclaim(1) && Reclaim::stats().runs == before.runs + 1, 18);
    REQUIRE(Heap::stats().free_pages > 0 && Reclaim::stats().pages_freed == before.pages_freed + Heap::stats().free_pages, 19);
    REQUIRE(BufferCache::stats().buffers == 1 && BufferCache::contains(dev, 300), 20);
    for (void* page : eaten)
        Heap::free_pages(page, 1);
    unlink(path.c_str());
    _exit(0);
}

} // namespace

class BlockLayer : public testing::Test {
protected:
    void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(BlockLayer, DeviceReadWriteBoundsAndSplitting) { EXPECT_EXIT(device_io(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, ReadOnlyDevice) { EXPECT_EXIT(read_only_device(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, CacheIsWriteBackUntilSync) { EXPECT_EXIT(cache_write_back(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, CacheGivesMemoryBackUnderPressure) { EXPECT_EXIT(cache_gives_memory_back(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, EvictionWritesDirtyBlocksFirst) { EXPECT_EXIT(cache_eviction_keeps_writes(), testing::ExitedWithCode(0), ""); }
