// Ext2Inode::for_each_entry: the one directory-block walker, shared by the
// read and write halves of Ext2Inode. Every entry is validated before use.
#pragma once

#include "Ext2FileSystem.h"
#include "Ext2Format.h"
#include "Ext2Inode.h"

namespace husk {

template<typename Visit>
kstd::ErrorOr<void> Ext2Inode::for_each_entry(uint64_t from, Visit visit)
{
    uint32_t bs = ext2().block_size();
    bool has_type = ext2().has_incompat(ext2::INCOMPAT_FILETYPE);
    for (uint64_t block_start = from - from % bs; block_start < m_size; block_start += bs) {
        uint64_t physical = TRY(map(block_start / bs));
        if (physical == 0)
            return ext2().corrupt("directory inode %lu has a hole at byte %lu", (unsigned long)ino(), (unsigned long)block_start);
        BufferRef b = TRY(ext2().block(physical, "a directory"));
        const uint8_t* data = b.data();
        for (uint32_t at = 0; at < bs;) {
            uint32_t entry_ino = ext2::le32(data + at);
            uint16_t rec_len = ext2::le16(data + at + 4);
            uint8_t name_len = data[at + 6];
            uint8_t type = has_type ? data[at + 7] : 0;
            if (!ext2::dirent_valid(data, at, bs))
                return ext2().corrupt("directory inode %lu: bad entry at byte %lu (rec_len %u, name_len %u)",
                                      (unsigned long)ino(), (unsigned long)(block_start + at), rec_len, name_len);
            uint64_t position = block_start + at;
            if (entry_ino != 0 && name_len > 0 && position >= from
                && !visit(position, position + rec_len, entry_ino, type, kstd::StringView(reinterpret_cast<const char*>(data + at + ext2::kDirentHeader), name_len)))
                return {};
            at += rec_len;
        }
    }
    return {};
}

} // namespace husk
