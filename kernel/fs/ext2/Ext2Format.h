// ext2/ext3/ext4 on-disk layout: field offsets and constants (all fields are
// little-endian). Read with the le16/le32 helpers; never cast raw blocks to
// structs, so a hostile image cannot cause misaligned or oversized reads.
#pragma once

#include "../../kstd/Types.h"

namespace husk::ext2 {

inline uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
inline void put16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v); p[1] = uint8_t(v >> 8); }
inline void put32(uint8_t* p, uint32_t v) { for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i)); }

inline constexpr uint64_t kSuperblockOffset = 1024;
inline constexpr uint16_t kMagic = 0xEF53;
inline constexpr uint32_t kRootIno = 2;

namespace sb { // superblock field offsets
inline constexpr size_t inodes_count = 0, blocks_count_lo = 4, r_blocks_lo = 8, free_blocks_lo = 12, free_inodes = 16,
                        first_data_block = 20, log_block_size = 24, blocks_per_group = 32,
                        inodes_per_group = 40, mtime = 44, wtime = 48, mnt_count = 52, magic = 56, state = 58,
                        rev_level = 76, first_ino = 84, inode_size = 88, feature_compat = 92,
                        feature_incompat = 96, feature_ro_compat = 100, volume_name = 120,
                        desc_size = 254, blocks_count_hi = 336, free_blocks_hi = 344;
}

namespace gd { // group descriptor field offsets
inline constexpr size_t block_bitmap_lo = 0, inode_bitmap_lo = 4, inode_table_lo = 8, free_blocks_lo = 12,
                        free_inodes_lo = 14, used_dirs_lo = 16, flags = 18, block_bitmap_hi = 32,
                        inode_bitmap_hi = 36, inode_table_hi = 40;
}

namespace ino { // inode field offsets
inline constexpr size_t mode = 0, uid = 2, size_lo = 4, atime = 8, ctime = 12, mtime = 16, dtime = 20,
                        gid = 24, links = 26, blocks_lo = 28, flags = 32, block = 40, file_acl_lo = 104,
                        size_hi = 108, blocks_hi = 116, file_acl_hi = 118, uid_hi = 120, gid_hi = 122, extra_isize = 128,
                        ctime_extra = 132, mtime_extra = 136, atime_extra = 140;
inline constexpr size_t kBlockPointers = 15, kDirect = 12, kIndirect = 12, kDouble = 13, kTriple = 14;
}

// Feature flags.
inline constexpr uint32_t COMPAT_DIR_PREALLOC = 0x1, COMPAT_IMAGIC = 0x2, COMPAT_HAS_JOURNAL = 0x4,
                          COMPAT_EXT_ATTR = 0x8, COMPAT_RESIZE_INODE = 0x10, COMPAT_DIR_INDEX = 0x20,
                          COMPAT_SPARSE_SUPER2 = 0x200;
inline constexpr uint32_t INCOMPAT_COMPRESSION = 0x1, INCOMPAT_FILETYPE = 0x2, INCOMPAT_RECOVER = 0x4,
                          INCOMPAT_JOURNAL_DEV = 0x8, INCOMPAT_META_BG = 0x10, INCOMPAT_EXTENTS = 0x40,
                          INCOMPAT_64BIT = 0x80, INCOMPAT_MMP = 0x100, INCOMPAT_FLEX_BG = 0x200,
                          INCOMPAT_EA_INODE = 0x400, INCOMPAT_DIRDATA = 0x1000, INCOMPAT_CSUM_SEED = 0x2000,
                          INCOMPAT_LARGEDIR = 0x4000, INCOMPAT_INLINE_DATA = 0x8000, INCOMPAT_ENCRYPT = 0x10000,
                          INCOMPAT_CASEFOLD = 0x20000;
inline constexpr uint32_t RO_COMPAT_SPARSE_SUPER = 0x1, RO_COMPAT_LARGE_FILE = 0x2, RO_COMPAT_BTREE_DIR = 0x4,
                          RO_COMPAT_HUGE_FILE = 0x8, RO_COMPAT_GDT_CSUM = 0x10, RO_COMPAT_DIR_NLINK = 0x20,
                          RO_COMPAT_EXTRA_ISIZE = 0x40, RO_COMPAT_QUOTA = 0x100, RO_COMPAT_BIGALLOC = 0x200,
                          RO_COMPAT_METADATA_CSUM = 0x400, RO_COMPAT_READONLY = 0x1000,
                          RO_COMPAT_PROJECT = 0x2000, RO_COMPAT_VERITY = 0x8000, RO_COMPAT_ORPHAN_PRESENT = 0x10000;

// Inode flags.
inline constexpr uint32_t INODE_INDEX_FL = 0x1000, INODE_HUGE_FILE_FL = 0x40000, INODE_EXTENTS_FL = 0x80000,
                          INODE_INLINE_DATA_FL = 0x10000000;

// Extent trees (ext4).
inline constexpr uint16_t kExtentMagic = 0xF30A;
inline constexpr size_t kExtentHeader = 12, kExtentEntry = 12;
inline constexpr uint32_t kExtentInitMax = 32768;

inline constexpr uint16_t STATE_VALID = 1;
inline constexpr uint32_t kGoodOldFirstIno = 11;

// Directory entries.
inline constexpr size_t kDirentHeader = 8;

// Whether the entry at byte `at` of a directory block is well formed: its
// record is aligned, holds its name, and stays inside the block.
inline bool dirent_valid(const uint8_t* block, uint32_t at, uint32_t block_size)
{
    uint16_t rec_len = le16(block + at + 4);
    return rec_len >= kDirentHeader && rec_len % 4 == 0 && at + rec_len <= block_size
        && kDirentHeader + block[at + 6] <= rec_len;
}

} // namespace husk::ext2
