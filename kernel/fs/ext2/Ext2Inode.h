// An ext2/ext4 inode as a vnode: metadata from the inode table, data blocks
// through classic block maps (direct, indirect, double, triple) or ext4
// extent trees (read only), linear directories (htree-indexed ones are read
// linearly and lose their index flag when written, which keeps them valid).
// An inode whose last link and last reference are gone is freed.
#pragma once

#include "../../vfs/Vnode.h"

namespace husk {

class Ext2FileSystem;

class Ext2Inode final : public Vnode {
public:
    // Parses a raw inode (inode_size bytes) after checking it is sane.
    static kstd::ErrorOr<kstd::RefPtr<Ext2Inode>> load(Ext2FileSystem& fs, uint32_t ino, const uint8_t* raw);
    // A new inode on disk (its number already allocated).
    static kstd::ErrorOr<kstd::RefPtr<Ext2Inode>> create_on_disk(Ext2FileSystem& fs, uint32_t ino, uint32_t mode, const Credentials& who);
    Ext2Inode(Ext2FileSystem& fs, uint32_t ino, uint32_t mode);
    ~Ext2Inode() override;

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    uint64_t blocks() const override { return m_blocks; }

    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<void> sync() override;
    // A regular file's FileCache (kernel/vfs): what mmap maps.
    kstd::ErrorOr<kstd::RefPtr<SharedMemory>> shared_pages() override;
    // With 4 KiB blocks, a data block's buffer (one copy for the page cache).
    kstd::ErrorOr<kstd::RefPtr<PagePin>> pin_page(uint64_t index) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials&, uint64_t rdev) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView name, uint32_t mode, const Credentials&) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView name, kstd::StringView target, const Credentials&) override;
    kstd::ErrorOr<void> link(kstd::StringView name, Vnode& target) override;
    kstd::ErrorOr<void> unlink(kstd::StringView name) override;
    kstd::ErrorOr<void> rmdir(kstd::StringView name) override;
    kstd::ErrorOr<void> rename(kstd::StringView old_name, Vnode& new_dir, kstd::StringView new_name) override;

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override;
    kstd::ErrorOr<void> write_metadata() override;

    Ext2FileSystem& ext2() const;
    // Physical block holding logical block `index`, or 0 for a hole.
    kstd::ErrorOr<uint64_t> map(uint64_t index) { return TRY(map_run(index, 1)).physical; }
    // The same, and how many blocks from `index` on (at most max_run, at
    // least 1) continue it: physically contiguous, or holes after a hole.
    // One walk of the map serves a whole run of a large read.
    struct Mapping {
        uint64_t physical;
        uint64_t run;
        uint64_t at(uint64_t offset) const { return physical ? physical + offset : 0; }
    };
    kstd::ErrorOr<Mapping> map_run(uint64_t index, uint64_t max_run);
    kstd::ErrorOr<Mapping> map_classic(uint64_t index, uint64_t max_run);
    // Where logical block `index` hangs in a classic block map: the i_block
    // slot, how many indirect blocks lie below it, the index within that
    // subtree, and how many blocks one entry of its top level covers.
    struct BlockPath {
        size_t slot;
        int levels;
        uint64_t rest;
        uint64_t span;
    };
    bool block_path(uint64_t index, BlockPath& path) const; // false past triple indirection
    kstd::ErrorOr<Mapping> map_extent(uint64_t index, uint64_t max_run);
    kstd::ErrorOr<void> read_ahead(uint64_t physical, uint64_t blocks);
    kstd::ErrorOr<size_t> read_direct(uint64_t physical, uint64_t blocks, IoBuffer buf);
    kstd::ErrorOr<size_t> write_direct(uint64_t index, uint64_t max_blocks, IoBuffer buf);
    // Smaller transfers gain more from the cache than from skipping a copy.
    static constexpr size_t kDirectIoMin = 64 * 1024;
    static constexpr uint32_t kMaxDirectRun = 256; // blocks per run
    // Calls visit(entry_offset, ino, type, name) for every live entry from
    // byte offset `from`; stops early when visit returns false.
    template<typename Visit>
    kstd::ErrorOr<void> for_each_entry(uint64_t from, Visit visit);

    // --- writing
    bool has_block_map() const; // false for fast symlinks and special files
    kstd::ErrorOr<void> large_file_allowed(uint64_t size);
    // The physical block for logical block `index`, allocated (and the
    // indirect blocks leading to it) when missing. A new data block is
    // zeroed in the cache unless cache_new_data is false: then the caller
    // overwrites all of it, or zeroes it itself.
    kstd::ErrorOr<uint64_t> map_for_write(uint64_t index, bool& fresh, bool cache_new_data = true);
    kstd::ErrorOr<uint64_t> allocate_near();
    kstd::ErrorOr<void> free_from(uint64_t first_index);
    kstd::ErrorOr<void> free_subtree(uint8_t* slot, bool& changed, int depth, uint64_t base, uint64_t first);
    kstd::ErrorOr<uint32_t> find_entry(kstd::StringView name);
    kstd::ErrorOr<void> add_entry(kstd::StringView name, uint32_t ino, uint32_t mode);
    kstd::ErrorOr<void> remove_entry(kstd::StringView name);
    kstd::ErrorOr<void> retarget_entry(kstd::StringView name, uint32_t ino, uint32_t mode);
    kstd::ErrorOr<bool> is_empty_directory();
    kstd::ErrorOr<void> require_writable_directory();
    void touch_directory();

    uint8_t m_block[60] {}; // i_block: block pointers, extent root or fast symlink
    uint32_t m_flags { 0 };
    uint64_t m_blocks { 0 }; // in 512-byte units
    uint64_t m_next_goal { 0 }; // where the next block is wanted: after the last one allocated (0: none yet)
    uint64_t m_file_acl { 0 }; // extended attribute block
    int64_t m_dtime { 0 };
};

} // namespace husk
