// An ext2/ext4 inode as a vnode: metadata from the inode table, data blocks
// through classic block maps (direct, indirect, double, triple) or ext4
// extent trees, linear directories (htree-indexed ones read linearly).
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

class Ext2FileSystem;

class Ext2Inode final : public Vnode {
public:
    // Parses a raw inode (inode_size bytes) after checking it is sane.
    static kstd::ErrorOr<kstd::RefPtr<Ext2Inode>> load(Ext2FileSystem& fs, uint32_t ino, const uint8_t* raw);
    Ext2Inode(Ext2FileSystem& fs, uint32_t ino, uint32_t mode);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    uint64_t blocks() const override { return m_blocks; }

private:
    Ext2FileSystem& ext2() const;
    // Physical block holding logical block `index`, or 0 for a hole.
    kstd::ErrorOr<uint64_t> map(uint64_t index);
    kstd::ErrorOr<uint64_t> map_classic(uint64_t index);
    kstd::ErrorOr<uint64_t> map_extent(uint64_t index);
    // Calls visit(entry_offset, ino, type, name) for every live entry from
    // byte offset `from`; stops early when visit returns false.
    template<typename Visit>
    kstd::ErrorOr<void> for_each_entry(uint64_t from, Visit visit);

    uint8_t m_block[60];   // i_block: block pointers, extent root or fast symlink
    uint32_t m_flags { 0 };
    uint64_t m_blocks { 0 }; // in 512-byte units
    uint64_t m_file_acl { 0 }; // extended attribute block
};

} // namespace husk
