// ext2, and ext3/ext4 images that need no journal replay: superblock and
// group descriptor validation, the inode table, block and inode allocation
// (bitmaps, free counts in group descriptors and superblock), feature
// policy. Inodes are Ext2Inode vnodes, found through the per-fs vnode cache.
// ext3/ext4 images are read-only (the feature that forbids writing is named).
#pragma once

#include "../../block/BlockDevice.h"
#include "../../block/BufferCache.h"
#include "../../kstd/Vector.h"
#include "../../vfs/FileSystem.h"
#include "../../vfs/IoBuffer.h"

namespace husk {

class Ext2Inode;

class Ext2FileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();
    // Whether the device holds an ext2/3/4 superblock magic (0xEF53 at byte 1080).
    static bool recognizes(BlockDevice& device);
    ~Ext2FileSystem() override;

    const char* type_name() const override { return m_type_name; }
    kstd::RefPtr<Vnode> root() override { return m_root; }
    void statfs(linux::statfs& out) override;
    kstd::ErrorOr<void> sync() override;
    kstd::ErrorOr<void> prepare_unmount() override;

    uint32_t block_size() const { return m_block_size; }
    uint32_t inode_size() const { return m_inode_size; }
    bool has_incompat(uint32_t f) const { return m_incompat & f; }
    bool has_ro_compat(uint32_t f) const { return m_ro_compat & f; }
    const char* device_name() const { return m_device.name(); }

    kstd::ErrorOr<kstd::RefPtr<Ext2Inode>> inode(uint32_t ino);
    // Where inode ino lives in the inode table: its block and byte offset.
    kstd::ErrorOr<BufferRef> inode_block(uint32_t ino, size_t& offset);

    // Allocation. goal: a block number to allocate near (0: anywhere).
    kstd::ErrorOr<uint64_t> allocate_block(uint64_t goal);
    kstd::ErrorOr<void> free_block(uint64_t block);
    kstd::ErrorOr<uint32_t> allocate_inode(uint32_t parent_ino, bool directory);
    kstd::ErrorOr<void> free_inode(uint32_t ino, bool directory);
    uint32_t group_of_inode(uint32_t ino) const { return (ino - 1) / m_inodes_per_group; }
    uint64_t first_block_of_group(uint32_t group) const { return m_first_data_block + uint64_t(group) * m_blocks_per_group; }
    // Before a file reaches 2 GiB: sets the large_file feature (revision 1),
    // or EFBIG (revision 0 file systems cannot have features).
    kstd::ErrorOr<void> allow_large_files();
    // Reads count contiguous blocks into the cache with one request.
    kstd::ErrorOr<void> prefetch(uint64_t first, uint32_t count) { return BufferCache::prefetch(m_device, first, count, m_block_size); }
    bool is_cached(uint64_t block) const { return BufferCache::contains(m_device, block); }
    // Whether read_direct/write_direct work on this device (BlockDevice::does_user_io).
    bool does_direct_io() const { return m_device.does_user_io(); }
    // Reads count contiguous blocks straight into user memory, past the
    // cache: the caller makes sure the cache holds no newer copy of them.
    kstd::ErrorOr<void> read_direct(uint64_t first, uint32_t count, IoBuffer user)
    {
        return m_device.read_user(first * m_block_size, user.user_address(), size_t(count) * m_block_size);
    }
    // Writes count contiguous blocks straight from user memory, past the
    // cache: the caller makes sure the cache holds no copy of them.
    kstd::ErrorOr<void> write_direct(uint64_t first, uint32_t count, IoBuffer user)
    {
        return m_device.write_user(first * m_block_size, user.user_address(), size_t(count) * m_block_size);
    }
    // A freshly allocated block, zeroed, in the cache.
    kstd::ErrorOr<BufferRef> new_block(uint64_t number);
    // A block of the file system, checked to lie inside it (EUCLEAN + a log
    // line naming what referred to it otherwise).
    kstd::ErrorOr<BufferRef> block(uint64_t number, const char* what);
    bool is_valid_block(uint64_t number) const { return number >= m_first_data_block && number < m_blocks_count; }
    // Logs "ext2: vda: <problem>" and returns EUCLEAN, for corrupt metadata.
    kstd::Error corrupt(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

private:
    struct Group {
        uint64_t block_bitmap, inode_bitmap, inode_table;
        uint32_t free_blocks, free_inodes, used_dirs;
    };
    explicit Ext2FileSystem(BlockDevice& device);
    kstd::ErrorOr<void> load(unsigned long flags);
    kstd::ErrorOr<void> check_features(bool read_only);
    kstd::ErrorOr<void> load_groups();
    kstd::ErrorOr<void> write_group(uint32_t g);
    kstd::ErrorOr<void> write_super();
    // Finds and sets the first clear bit below `limit` in a bitmap block.
    kstd::ErrorOr<long> take_bit(uint64_t bitmap_block, uint32_t limit, uint32_t from = 0);
    kstd::ErrorOr<void> clear_bit(uint64_t bitmap_block, uint32_t bit, const char* what);
    uint32_t blocks_in_group(uint32_t g) const;

    BlockDevice& m_device;
    uint8_t m_super[1024];
    uint32_t m_block_size { 0 };
    uint64_t m_blocks_count { 0 };
    uint32_t m_inodes_count { 0 };
    uint32_t m_blocks_per_group { 0 };
    uint32_t m_inodes_per_group { 0 };
    uint32_t m_first_data_block { 0 };
    uint32_t m_inode_size { 128 };
    uint32_t m_desc_size { 32 };
    uint32_t m_group_count { 0 };
    uint32_t m_incompat { 0 }, m_ro_compat { 0 }, m_compat { 0 };
    uint32_t m_first_ino { 11 };
    uint32_t m_revision { 0 };
    uint64_t m_free_blocks { 0 };
    uint32_t m_free_inodes { 0 };
    const char* m_type_name { "ext2" };
    kstd::Vector<Group> m_groups;
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
