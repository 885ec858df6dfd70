// The block layer and the buffer cache over a host file. Each test runs in
// a fresh child process: devices are attached before the kernel boots.
#include "block/BlockDevice.h"
#include "block/BufferCache.h"
#include "Boot.h"
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

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

} // namespace

class BlockLayer : public testing::Test {
protected:
    void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(BlockLayer, DeviceReadWriteBoundsAndSplitting) { EXPECT_EXIT(device_io(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, ReadOnlyDevice) { EXPECT_EXIT(read_only_device(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, CacheIsWriteBackUntilSync) { EXPECT_EXIT(cache_write_back(), testing::ExitedWithCode(0), ""); }
TEST_F(BlockLayer, EvictionWritesDirtyBlocksFirst) { EXPECT_EXIT(cache_eviction_keeps_writes(), testing::ExitedWithCode(0), ""); }
