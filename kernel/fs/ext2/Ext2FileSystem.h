// ext2, and ext3/ext4 images that need no journal replay: superblock and
// group descriptor validation, the inode table, feature policy. Inodes are
// Ext2Inode vnodes, found through the per-fs vnode cache. Reading only for
// now: read-write mounts are refused with EROFS until the write path lands.
#pragma once

#include "../../block/BlockDevice.h"
#include "../../block/BufferCache.h"
#include "../../kstd/Vector.h"
#include "../../vfs/FileSystem.h"

namespace husk {

class Ext2Inode;

class Ext2FileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();
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
    // A block of the file system, checked to lie inside it (EUCLEAN + a log
    // line naming what referred to it otherwise).
    kstd::ErrorOr<BufferRef> block(uint64_t number, const char* what);
    bool is_valid_block(uint64_t number) const { return number >= m_first_data_block && number < m_blocks_count; }
    // Logs "ext2: vda: <problem>" and returns EUCLEAN, for corrupt metadata.
    kstd::Error corrupt(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

private:
    struct Group {
        uint64_t block_bitmap, inode_bitmap, inode_table;
    };
    explicit Ext2FileSystem(BlockDevice& device);
    kstd::ErrorOr<void> load(unsigned long flags);
    kstd::ErrorOr<void> check_features(bool read_only);
    kstd::ErrorOr<void> load_groups();

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
    const char* m_type_name { "ext2" };
    kstd::Vector<Group> m_groups;
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
