#include "Ext2FileSystem.h"
#include <stdarg.h>
#include "../../core/Log.h"
#include "../../kstd/Format.h"
#include "../../kstd/Memory.h"
#include "Ext2Format.h"
#include "Ext2Inode.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ext2;

namespace {

// Incompatible features this driver understands (for reading).
constexpr uint32_t kReadableIncompat = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_EXTENTS | INCOMPAT_64BIT
    | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR;
// What this driver can keep consistent when writing (no checksums, no
// extents, no journal replay).
constexpr uint32_t kWritableIncompat = INCOMPAT_FILETYPE;
constexpr uint32_t kWritableRoCompat = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | RO_COMPAT_EXTRA_ISIZE
    | RO_COMPAT_DIR_NLINK;
constexpr uint32_t kKnownRoCompat = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | RO_COMPAT_BTREE_DIR
    | RO_COMPAT_HUGE_FILE | RO_COMPAT_GDT_CSUM | RO_COMPAT_DIR_NLINK | RO_COMPAT_EXTRA_ISIZE | RO_COMPAT_QUOTA
    | RO_COMPAT_METADATA_CSUM | RO_COMPAT_PROJECT | RO_COMPAT_ORPHAN_PRESENT;

struct FeatureName {
    uint32_t bit;
    const char* name;
};
constexpr FeatureName kIncompatNames[] = {
    { INCOMPAT_COMPRESSION, "compression" }, { INCOMPAT_FILETYPE, "filetype" }, { INCOMPAT_RECOVER, "needs_recovery" },
    { INCOMPAT_JOURNAL_DEV, "journal_dev" }, { INCOMPAT_META_BG, "meta_bg" }, { INCOMPAT_EXTENTS, "extent" },
    { INCOMPAT_64BIT, "64bit" }, { INCOMPAT_MMP, "mmp" }, { INCOMPAT_FLEX_BG, "flex_bg" }, { INCOMPAT_EA_INODE, "ea_inode" },
    { INCOMPAT_DIRDATA, "dirdata" }, { INCOMPAT_CSUM_SEED, "metadata_csum_seed" }, { INCOMPAT_LARGEDIR, "large_dir" },
    { INCOMPAT_INLINE_DATA, "inline_data" }, { INCOMPAT_ENCRYPT, "encrypt" }, { INCOMPAT_CASEFOLD, "casefold" },
};

constexpr FeatureName kRoCompatNames[] = {
    { RO_COMPAT_BTREE_DIR, "btree_dir" }, { RO_COMPAT_HUGE_FILE, "huge_file" }, { RO_COMPAT_GDT_CSUM, "uninit_bg" },
    { RO_COMPAT_QUOTA, "quota" }, { RO_COMPAT_BIGALLOC, "bigalloc" }, { RO_COMPAT_METADATA_CSUM, "metadata_csum" },
    { RO_COMPAT_READONLY, "read-only" }, { RO_COMPAT_PROJECT, "project" }, { RO_COMPAT_VERITY, "verity" },
    { RO_COMPAT_ORPHAN_PRESENT, "orphan_present" },
};

template<size_t N>
const char* feature_name(const FeatureName (&names)[N], uint32_t bit)
{
    for (auto& f : names)
        if (f.bit == bit)
            return f.name;
    return "unknown";
}

const char* incompat_name(uint32_t bit) { return feature_name(kIncompatNames, bit); }

uint32_t lowest_bit(uint32_t v) { return v & (~v + 1); }

} // namespace

Ext2FileSystem::Ext2FileSystem(BlockDevice& device) : m_device(device) {}

Ext2FileSystem::~Ext2FileSystem()
{
    m_root.clear();
    BufferCache::invalidate(m_device);
    m_device.release();
}

kstd::Error Ext2FileSystem::corrupt(const char* fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    kstd::vformat(message, sizeof message, fmt, ap);
    va_end(ap);
    klog(LogLevel::Error, "ext2: %s: %s", m_device.name(), message);
    return err(EUCLEAN);
}

void Ext2FileSystem::register_type()
{
    FileSystemTypes::add({ "ext2", create, true, recognizes });
    FileSystemTypes::add({ "ext3", create, true });
    FileSystemTypes::add({ "ext4", create, true });
}

bool Ext2FileSystem::recognizes(BlockDevice& device)
{
    // Device reads are whole sectors: the superblock's 1024 bytes, or the
    // first sector when a sector holds them.
    bool big = device.sector_size() > kSuperblockOffset;
    uint64_t at = big ? 0 : kSuperblockOffset;
    size_t length = big ? device.sector_size() : 1024;
    if (device.size_bytes() < 2048 || length > 65536)
        return false;
    auto* buffer = static_cast<uint8_t*>(kstd::kmalloc(length));
    if (!buffer)
        return false;
    bool found = !device.read(at, buffer, length).is_error() && le16(buffer + kSuperblockOffset - at + sb::magic) == kMagic;
    kstd::kfree(buffer);
    return found;
}

ErrorOr<FileSystem*> Ext2FileSystem::create(kstd::StringView source, unsigned long flags, kstd::StringView)
{
    BlockDevice* device = BlockDevice::find(source);
    if (!device) {
        klog(LogLevel::Error, "ext2: %.*s: no such block device", int(source.length()), source.data());
        return err(ENXIO);
    }
    if (!device->claim()) {
        klog(LogLevel::Error, "ext2: %s: already mounted", device->name());
        return err(EBUSY);
    }
    auto* fs = new Ext2FileSystem(*device);
    if (!fs) {
        device->release();
        return err(ENOMEM);
    }
    if (auto r = fs->load(flags); r.is_error()) {
        delete fs;
        return r.error();
    }
    return fs;
}

ErrorOr<void> Ext2FileSystem::load(unsigned long flags)
{
    if (m_device.size_bytes() < 2048) {
        klog(LogLevel::Error, "ext2: %s: device too small for a superblock", m_device.name());
        return err(EINVAL);
    }
    TRY(m_device.read(kSuperblockOffset, m_super, sizeof m_super));
    const uint8_t* s = m_super;
    if (le16(s + sb::magic) != kMagic) {
        klog(LogLevel::Error, "ext2: %s: bad magic 0x%04x (not an ext2/3/4 file system)", m_device.name(), le16(s + sb::magic));
        return err(EINVAL);
    }
    uint32_t log_bs = le32(s + sb::log_block_size);
    if (log_bs > 2) {
        klog(LogLevel::Error, "ext2: %s: block size 2^%u KiB is not supported (1-4 KiB are)", m_device.name(), log_bs);
        return err(EINVAL);
    }
    m_block_size = 1024u << log_bs;
    uint32_t rev = le32(s + sb::rev_level);
    if (rev > 1)
        return corrupt("unknown revision %u", rev);
    m_revision = rev;
    if (rev == 1) {
        m_compat = le32(s + sb::feature_compat);
        m_incompat = le32(s + sb::feature_incompat);
        m_ro_compat = le32(s + sb::feature_ro_compat);
        m_inode_size = le16(s + sb::inode_size);
        m_first_ino = le32(s + sb::first_ino);
        if (m_inode_size < 128 || m_inode_size > m_block_size || (m_inode_size & (m_inode_size - 1)))
            return corrupt("inode size %u is impossible", m_inode_size);
    }
    bool read_only = flags & linux::MS_RDONLY;
    TRY(check_features(read_only));

    m_blocks_count = le32(s + sb::blocks_count_lo);
    if (has_incompat(INCOMPAT_64BIT)) {
        m_blocks_count |= uint64_t(le32(s + sb::blocks_count_hi)) << 32;
        m_desc_size = le16(s + sb::desc_size);
        if (m_desc_size < 64 || m_desc_size > m_block_size || (m_desc_size & (m_desc_size - 1)))
            return corrupt("group descriptor size %u is impossible", m_desc_size);
    }
    m_inodes_count = le32(s + sb::inodes_count);
    m_blocks_per_group = le32(s + sb::blocks_per_group);
    m_inodes_per_group = le32(s + sb::inodes_per_group);
    m_first_data_block = le32(s + sb::first_data_block);
    if (m_blocks_per_group == 0 || m_blocks_per_group > 8 * m_block_size)
        return corrupt("%u blocks per group is impossible with %u-byte blocks", m_blocks_per_group, m_block_size);
    if (m_inodes_per_group == 0 || m_inodes_per_group > 8 * m_block_size)
        return corrupt("%u inodes per group is impossible with %u-byte blocks", m_inodes_per_group, m_block_size);
    if (m_first_data_block != (m_block_size == 1024 ? 1u : 0u))
        return corrupt("first data block %u is wrong for %u-byte blocks", m_first_data_block, m_block_size);
    if (m_blocks_count <= m_first_data_block)
        return corrupt("block count %lu is too small", (unsigned long)m_blocks_count);
    if (m_blocks_count > m_device.size_bytes() / m_block_size)
        return corrupt("the file system (%lu blocks) is larger than the device (%lu blocks)",
                       (unsigned long)m_blocks_count, (unsigned long)(m_device.size_bytes() / m_block_size));
    uint64_t groups = (m_blocks_count - m_first_data_block + m_blocks_per_group - 1) / m_blocks_per_group;
    if (groups > 0xffffffffull || uint64_t(m_inodes_count) > groups * m_inodes_per_group || m_inodes_count < kRootIno)
        return corrupt("%u inodes do not fit %lu groups of %u", m_inodes_count, (unsigned long)groups, m_inodes_per_group);
    m_group_count = uint32_t(groups);
    m_free_blocks = le32(s + sb::free_blocks_lo);
    if (has_incompat(INCOMPAT_64BIT))
        m_free_blocks |= uint64_t(le32(s + sb::free_blocks_hi)) << 32;
    m_free_inodes = le32(s + sb::free_inodes);
    if (m_first_ino < kRootIno + 1 || m_first_ino > m_inodes_count)
        return corrupt("first usable inode %u is out of range", m_first_ino);
    TRY(load_groups());

    if (has_incompat(INCOMPAT_EXTENTS) || has_incompat(INCOMPAT_64BIT) || has_incompat(INCOMPAT_FLEX_BG))
        m_type_name = "ext4";
    else if (m_compat & COMPAT_HAS_JOURNAL)
        m_type_name = "ext3";
    set_read_only(read_only);

    RefPtr<Ext2Inode> root = TRY(inode(kRootIno));
    if (!root->is_directory())
        return corrupt("the root inode is not a directory");
    m_root = root;
    if (!read_only) {
        // Like Linux: "not clean" while mounted read-write; umount restores it.
        put16(m_super + sb::state, uint16_t(le16(m_super + sb::state) & ~STATE_VALID));
        put16(m_super + sb::mnt_count, uint16_t(le16(m_super + sb::mnt_count) + 1));
        put32(m_super + sb::mtime, uint32_t(Timestamp::now().sec));
        TRY(write_super());
        TRY(BufferCache::sync(m_device));
    }
    klog(LogLevel::Info, "ext2: %s: mounted %s %s: %lu blocks of %u bytes, %u inodes, %u groups", m_device.name(),
         m_type_name, read_only ? "read-only" : "read-write", (unsigned long)m_blocks_count, m_block_size, m_inodes_count,
         m_group_count);
    return {};
}

ErrorOr<void> Ext2FileSystem::check_features(bool read_only)
{
    uint32_t unknown = m_incompat & ~kReadableIncompat;
    if (unknown) {
        uint32_t bit = lowest_bit(unknown);
        klog(LogLevel::Error, "ext2: %s: cannot mount: unsupported incompatible feature %s (0x%x)", m_device.name(),
             incompat_name(bit), bit);
        return err(EINVAL);
    }
    if (read_only)
        return {};
    if (m_incompat & INCOMPAT_RECOVER) {
        klog(LogLevel::Error, "ext2: %s: the journal needs recovery (needs_recovery): mount read-only, or run e2fsck first",
             m_device.name());
        return err(EROFS);
    }
    if (m_ro_compat & ~kKnownRoCompat) {
        klog(LogLevel::Error, "ext2: %s: unknown read-only-compatible features 0x%x: mount read-only", m_device.name(),
             m_ro_compat & ~kKnownRoCompat);
        return err(EROFS);
    }
    if (uint32_t bad = m_incompat & ~kWritableIncompat) {
        klog(LogLevel::Error, "ext2: %s: cannot write file systems with feature %s: mount read-only", m_device.name(),
             incompat_name(lowest_bit(bad)));
        return err(EROFS);
    }
    if (uint32_t bad = m_ro_compat & ~kWritableRoCompat) {
        klog(LogLevel::Error, "ext2: %s: cannot write file systems with feature %s: mount read-only", m_device.name(),
             feature_name(kRoCompatNames, lowest_bit(bad)));
        return err(EROFS);
    }
    if (m_device.is_read_only()) {
        klog(LogLevel::Error, "ext2: %s: the device is read-only: mount read-only", m_device.name());
        return err(EROFS);
    }
    return {};
}

ErrorOr<void> Ext2FileSystem::load_groups()
{
    uint64_t table = m_first_data_block + 1;
    uint64_t per_block = m_block_size / m_desc_size;
    if (!m_groups.resize(m_group_count))
        return err(ENOMEM);
    uint64_t inode_table_blocks = (uint64_t(m_inodes_per_group) * m_inode_size + m_block_size - 1) / m_block_size;
    for (uint32_t g = 0; g < m_group_count; ++g) {
        BufferRef b = TRY(block(table + g / per_block, "the group descriptor table"));
        const uint8_t* d = b.data() + (g % per_block) * m_desc_size;
        Group& group = m_groups[g];
        group.block_bitmap = le32(d + gd::block_bitmap_lo);
        group.inode_bitmap = le32(d + gd::inode_bitmap_lo);
        group.inode_table = le32(d + gd::inode_table_lo);
        group.free_blocks = le16(d + gd::free_blocks_lo);
        group.free_inodes = le16(d + gd::free_inodes_lo);
        group.used_dirs = le16(d + gd::used_dirs_lo);
        if (m_desc_size >= 64) {
            group.block_bitmap |= uint64_t(le32(d + gd::block_bitmap_hi)) << 32;
            group.inode_bitmap |= uint64_t(le32(d + gd::inode_bitmap_hi)) << 32;
            group.inode_table |= uint64_t(le32(d + gd::inode_table_hi)) << 32;
        }
        if (!is_valid_block(group.block_bitmap) || !is_valid_block(group.inode_bitmap)
            || !is_valid_block(group.inode_table) || !is_valid_block(group.inode_table + inode_table_blocks - 1))
            return corrupt("group %u: bitmap or inode table block out of range", g);
    }
    return {};
}

uint32_t Ext2FileSystem::blocks_in_group(uint32_t g) const
{
    uint64_t start = first_block_of_group(g);
    return uint32_t(kstd::min<uint64_t>(m_blocks_per_group, m_blocks_count - start));
}

ErrorOr<void> Ext2FileSystem::write_group(uint32_t g)
{
    uint64_t per_block = m_block_size / m_desc_size;
    BufferRef b = TRY(block(m_first_data_block + 1 + g / per_block, "the group descriptor table"));
    uint8_t* d = b.data() + (g % per_block) * m_desc_size;
    put16(d + gd::free_blocks_lo, uint16_t(m_groups[g].free_blocks));
    put16(d + gd::free_inodes_lo, uint16_t(m_groups[g].free_inodes));
    put16(d + gd::used_dirs_lo, uint16_t(m_groups[g].used_dirs));
    b.mark_dirty();
    return {};
}

ErrorOr<void> Ext2FileSystem::write_super()
{
    put32(m_super + sb::free_blocks_lo, uint32_t(m_free_blocks));
    put32(m_super + sb::free_inodes, m_free_inodes);
    put32(m_super + sb::wtime, uint32_t(Timestamp::now().sec));
    // The superblock is bytes 1024-2047: block 1 of a 1 KiB file system, or
    // the second kilobyte of block 0.
    uint64_t number = m_block_size == 1024 ? 1 : 0;
    BufferRef b = TRY(BufferCache::get(m_device, number, m_block_size));
    memcpy(b.data() + (m_block_size == 1024 ? 0 : 1024), m_super, sizeof m_super);
    b.mark_dirty();
    return {};
}

ErrorOr<long> Ext2FileSystem::take_bit(uint64_t bitmap_block, uint32_t limit, uint32_t from)
{
    // The first clear bit at or after `from`, else before it: a file that
    // grows finds its next block right after its last one without scanning
    // the group's full start again (that scan made filling a group
    // quadratic), and the blocks stay in a row.
    BufferRef b = TRY(block(bitmap_block, "a bitmap"));
    uint8_t* bits = b.data();
    auto scan = [&](uint32_t first, uint32_t end) -> long {
        for (uint32_t i = first; i < end; ++i) {
            if (bits[i / 8] == 0xff) {
                i |= 7;
                continue;
            }
            if (!(bits[i / 8] & (1u << (i % 8)))) {
                bits[i / 8] = uint8_t(bits[i / 8] | (1u << (i % 8)));
                b.mark_dirty();
                return long(i);
            }
        }
        return -1L;
    };
    if (from >= limit)
        from = 0;
    long bit = scan(from, limit);
    return bit >= 0 ? bit : scan(0, from);
}

ErrorOr<void> Ext2FileSystem::clear_bit(uint64_t bitmap_block, uint32_t bit, const char* what)
{
    BufferRef b = TRY(block(bitmap_block, "a bitmap"));
    uint8_t& byte = b.data()[bit / 8];
    if (!(byte & (1u << (bit % 8))))
        return corrupt("freeing %s that is already free (bit %u of bitmap block %lu)", what, bit, (unsigned long)bitmap_block);
    byte = uint8_t(byte & ~(1u << (bit % 8)));
    b.mark_dirty();
    return {};
}

ErrorOr<uint64_t> Ext2FileSystem::allocate_block(uint64_t goal)
{
    if (is_read_only())
        return err(EROFS);
    uint32_t start = goal >= m_first_data_block && goal < m_blocks_count
        ? uint32_t((goal - m_first_data_block) / m_blocks_per_group) : 0;
    for (uint32_t n = 0; n < m_group_count; ++n) {
        uint32_t g = (start + n) % m_group_count;
        if (m_groups[g].free_blocks == 0)
            continue;
        uint32_t from = n == 0 && goal >= first_block_of_group(g) ? uint32_t(goal - first_block_of_group(g)) : 0;
        long bit = TRY(take_bit(m_groups[g].block_bitmap, blocks_in_group(g), from));
        if (bit < 0)
            return corrupt("group %u claims %u free blocks but its bitmap is full", g, m_groups[g].free_blocks);
        --m_groups[g].free_blocks;
        --m_free_blocks;
        TRY(write_group(g));
        return first_block_of_group(g) + uint64_t(bit);
    }
    return err(ENOSPC);
}

ErrorOr<void> Ext2FileSystem::free_block(uint64_t number)
{
    if (!is_valid_block(number))
        return corrupt("freeing block %lu, which is out of range", (unsigned long)number);
    uint32_t g = uint32_t((number - m_first_data_block) / m_blocks_per_group);
    TRY(clear_bit(m_groups[g].block_bitmap, uint32_t(number - first_block_of_group(g)), "a block"));
    ++m_groups[g].free_blocks;
    ++m_free_blocks;
    return write_group(g);
}

ErrorOr<uint32_t> Ext2FileSystem::allocate_inode(uint32_t parent_ino, bool directory)
{
    if (is_read_only())
        return err(EROFS);
    // Files go near their directory; directories spread out to the group
    // with the most free inodes (a simple form of Linux's Orlov allocator).
    uint32_t start = group_of_inode(parent_ino);
    if (directory) {
        for (uint32_t g = 0; g < m_group_count; ++g)
            if (m_groups[g].free_inodes > m_groups[start].free_inodes)
                start = g;
    }
    for (uint32_t n = 0; n < m_group_count; ++n) {
        uint32_t g = (start + n) % m_group_count;
        if (m_groups[g].free_inodes == 0)
            continue;
        long bit = TRY(take_bit(m_groups[g].inode_bitmap, m_inodes_per_group));
        if (bit < 0)
            return corrupt("group %u claims %u free inodes but its bitmap is full", g, m_groups[g].free_inodes);
        uint32_t ino = g * m_inodes_per_group + uint32_t(bit) + 1;
        if (ino < m_first_ino || ino > m_inodes_count)
            return corrupt("inode bitmap of group %u offers reserved or missing inode %u", g, ino);
        --m_groups[g].free_inodes;
        if (directory)
            ++m_groups[g].used_dirs;
        --m_free_inodes;
        TRY(write_group(g));
        return ino;
    }
    return err(ENOSPC);
}

ErrorOr<void> Ext2FileSystem::free_inode(uint32_t ino, bool directory)
{
    uint32_t g = group_of_inode(ino);
    TRY(clear_bit(m_groups[g].inode_bitmap, (ino - 1) % m_inodes_per_group, "an inode"));
    ++m_groups[g].free_inodes;
    if (directory && m_groups[g].used_dirs)
        --m_groups[g].used_dirs;
    ++m_free_inodes;
    return write_group(g);
}

ErrorOr<void> Ext2FileSystem::allow_large_files()
{
    if (has_ro_compat(RO_COMPAT_LARGE_FILE))
        return {};
    if (m_revision == 0)
        return err(EFBIG);
    m_ro_compat |= RO_COMPAT_LARGE_FILE;
    put32(m_super + sb::feature_ro_compat, m_ro_compat);
    return write_super();
}

ErrorOr<BufferRef> Ext2FileSystem::new_block(uint64_t number)
{
    if (!is_valid_block(number))
        return corrupt("new block %lu is out of range", (unsigned long)number);
    BufferRef b = TRY(BufferCache::get_new(m_device, number, m_block_size));
    b.mark_dirty();
    return b;
}

ErrorOr<BufferRef> Ext2FileSystem::inode_block(uint32_t ino, size_t& offset)
{
    uint32_t group = group_of_inode(ino);
    uint64_t byte = uint64_t((ino - 1) % m_inodes_per_group) * m_inode_size;
    offset = size_t(byte % m_block_size);
    return block(m_groups[group].inode_table + byte / m_block_size, "an inode table");
}

ErrorOr<BufferRef> Ext2FileSystem::block(uint64_t number, const char* what)
{
    if (!is_valid_block(number))
        return corrupt("block %lu of %s is out of range", (unsigned long)number, what);
    return BufferCache::get(m_device, number, m_block_size);
}

ErrorOr<RefPtr<Ext2Inode>> Ext2FileSystem::inode(uint32_t ino)
{
    if (ino == 0 || ino > m_inodes_count)
        return corrupt("inode number %u is out of range", ino);
    if (RefPtr<Vnode> cached = vnode_cache().find(ino))
        return RefPtr<Ext2Inode>(static_cast<Ext2Inode*>(cached.ptr()));
    size_t offset;
    BufferRef b = TRY(inode_block(ino, offset));
    RefPtr<Ext2Inode> node = TRY(Ext2Inode::load(*this, ino, b.data() + offset));
    TRY(vnode_cache().insert(*node));
    return node;
}

void Ext2FileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = linux::EXT2_SUPER_MAGIC;
    out.f_bsize = out.f_frsize = m_block_size;
    out.f_blocks = m_blocks_count;
    out.f_bfree = m_free_blocks;
    uint64_t reserved = le32(m_super + sb::r_blocks_lo);
    out.f_bavail = m_free_blocks > reserved ? m_free_blocks - reserved : 0;
    out.f_files = m_inodes_count;
    out.f_ffree = m_free_inodes;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
    out.f_flags = is_read_only() ? linux::MS_RDONLY : 0;
}

ErrorOr<void> Ext2FileSystem::sync()
{
    if (is_read_only())
        return {};
    // The superblock's free counts are kept in memory and written here,
    // not on every allocation.
    TRY(write_super());
    return BufferCache::sync(m_device);
}

ErrorOr<void> Ext2FileSystem::prepare_unmount()
{
    if (!is_read_only())
        put16(m_super + sb::state, uint16_t(le16(m_super + sb::state) | STATE_VALID));
    return sync(); // writes the superblock
}

} // namespace husk
