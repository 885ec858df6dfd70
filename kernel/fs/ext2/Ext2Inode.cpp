#include "Ext2Inode.h"
#include "Ext2FileSystem.h"
#include "Ext2Format.h"
#include "Ext2InodeEntries.h"
#include "../../core/Heap.h" // kPageSize
#include "../../vfs/FileCache.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ext2;

namespace {

constexpr int kMaxExtentDepth = 5;

Timestamp decode_time(const uint8_t* raw, size_t base_field, size_t extra_field, uint32_t inode_size, uint32_t extra_isize)
{
    Timestamp t { int64_t(int32_t(le32(raw + base_field))), 0 };
    if (inode_size > 128 && extra_field + 4 <= 128 + extra_isize) {
        uint32_t extra = le32(raw + extra_field);
        t.sec += int64_t(extra & 3) << 32;
        t.nsec = extra >> 2;
        if (t.nsec >= 1000000000)
            t.nsec = 0;
    }
    return t;
}

uint8_t dirent_type(uint8_t ext2_type)
{
    // ext2 file types: 1 reg, 2 dir, 3 chr, 4 blk, 5 fifo, 6 sock, 7 symlink.
    constexpr uint8_t map[] = { linux::DT_UNKNOWN, linux::DT_REG, linux::DT_DIR, linux::DT_CHR,
                                linux::DT_BLK, linux::DT_FIFO, linux::DT_SOCK, linux::DT_LNK };
    return ext2_type < sizeof map ? map[ext2_type] : linux::DT_UNKNOWN;
}

} // namespace

Ext2Inode::Ext2Inode(Ext2FileSystem& fs, uint32_t ino, uint32_t mode) : Vnode(fs, ino, mode) {}

Ext2FileSystem& Ext2Inode::ext2() const { return static_cast<Ext2FileSystem&>(fs()); }

ErrorOr<RefPtr<Ext2Inode>> Ext2Inode::load(Ext2FileSystem& fs, uint32_t ino, const uint8_t* raw)
{
    uint32_t mode = le16(raw + ino::mode);
    uint32_t type = mode & linux::S_IFMT;
    if (type != linux::S_IFREG && type != linux::S_IFDIR && type != linux::S_IFLNK && type != linux::S_IFCHR
        && type != linux::S_IFBLK && type != linux::S_IFIFO && type != linux::S_IFSOCK)
        return fs.corrupt("inode %u has an invalid mode 0%o (free or damaged)", ino, mode);
    if (le16(raw + ino::links) == 0)
        return fs.corrupt("inode %u is in use but has no links", ino);
    auto node = kstd::adopt_new<Ext2Inode>(fs, ino, mode);
    if (!node)
        return err(ENOMEM);
    uint32_t extra_isize = fs.inode_size() > 128 ? le16(raw + ino::extra_isize) : 0;
    if (fs.inode_size() > 128 && 128 + extra_isize > fs.inode_size())
        return fs.corrupt("inode %u: extra size %u overruns the inode", ino, extra_isize);
    node->m_uid = le16(raw + ino::uid) | (uint32_t(le16(raw + ino::uid_hi)) << 16);
    node->m_gid = le16(raw + ino::gid) | (uint32_t(le16(raw + ino::gid_hi)) << 16);
    node->m_nlink = le16(raw + ino::links);
    node->m_size = le32(raw + ino::size_lo) | (uint64_t(le32(raw + ino::size_hi)) << 32);
    node->m_flags = le32(raw + ino::flags);
    node->m_atime = decode_time(raw, ino::atime, ino::atime_extra, fs.inode_size(), extra_isize);
    node->m_mtime = decode_time(raw, ino::mtime, ino::mtime_extra, fs.inode_size(), extra_isize);
    node->m_ctime = decode_time(raw, ino::ctime, ino::ctime_extra, fs.inode_size(), extra_isize);
    memcpy(node->m_block, raw + ino::block, sizeof node->m_block);
    uint64_t blocks = le32(raw + ino::blocks_lo);
    if (fs.has_ro_compat(RO_COMPAT_HUGE_FILE)) {
        blocks |= uint64_t(le16(raw + ino::blocks_hi)) << 32;
        if (node->m_flags & INODE_HUGE_FILE_FL)
            blocks *= fs.block_size() / 512;
    }
    node->m_blocks = blocks;
    node->m_file_acl = le32(raw + ino::file_acl_lo) | (uint64_t(le16(raw + ino::file_acl_hi)) << 32);
    if (type == linux::S_IFCHR || type == linux::S_IFBLK) {
        uint32_t old_dev = le32(raw + ino::block), new_dev = le32(raw + ino::block + 4);
        node->m_rdev = old_dev ? linux::makedev((old_dev >> 8) & 0xff, old_dev & 0xff)
                               : linux::makedev((new_dev & 0xfff00) >> 8, (new_dev & 0xff) | ((new_dev >> 12) & 0xfff00));
        node->m_size = 0;
    }
    if (node->m_flags & INODE_INLINE_DATA_FL)
        return fs.corrupt("inode %u uses inline data, which the file system did not declare", ino);
    if (type == linux::S_IFDIR && node->m_size % fs.block_size())
        return fs.corrupt("directory inode %u has size %lu, not a whole number of blocks", ino, (unsigned long)node->m_size);
    return node;
}

ErrorOr<Ext2Inode::Mapping> Ext2Inode::map_run(uint64_t index, uint64_t max_run)
{
    return (m_flags & INODE_EXTENTS_FL) ? map_extent(index, max_run) : map_classic(index, max_run);
}

bool Ext2Inode::block_path(uint64_t index, BlockPath& path) const
{
    uint64_t per = ext2().block_size() / 4;
    path = { size_t(index), 0, index, 1 };
    if (index < ino::kDirect)
        return true;
    uint64_t rest = index - ino::kDirect;
    uint64_t span = 1;
    for (int levels = 1; levels <= 3; ++levels) {
        if (rest < span * per) {
            path = { ino::kIndirect + size_t(levels - 1), levels, rest, span };
            return true;
        }
        rest -= span * per;
        span *= per;
    }
    return false;
}

ErrorOr<Ext2Inode::Mapping> Ext2Inode::map_classic(uint64_t index, uint64_t max_run)
{
    BlockPath path;
    if (!block_path(index, path))
        return ext2().corrupt("inode %lu: block %lu is beyond triple indirection", (unsigned long)ino(), (unsigned long)index);
    uint64_t per = ext2().block_size() / 4;
    // The run continues along the array holding the last pointer: the direct
    // slots, or the lowest indirect block.
    const uint8_t* pointers = m_block;
    uint64_t slot = path.slot, slots = path.levels ? path.slot + 1 : ino::kDirect;
    BufferRef holder;
    for (int level = 0; level < path.levels; ++level) {
        uint64_t block = le32(pointers + 4 * slot);
        if (!block)
            return Mapping { 0, 1 };
        holder = TRY(ext2().block(block, "an indirect block"));
        pointers = holder.data();
        slot = path.rest / path.span;
        slots = per;
        path.rest %= path.span;
        path.span /= per;
    }
    uint64_t first = le32(pointers + 4 * slot);
    uint64_t run = 1;
    while (run < max_run && slot + run < slots && le32(pointers + 4 * (slot + run)) == (first ? first + run : 0))
        ++run;
    return Mapping { first, run };
}

ErrorOr<Ext2Inode::Mapping> Ext2Inode::map_extent(uint64_t index, uint64_t max_run)
{
    const uint8_t* node = m_block;
    size_t node_size = sizeof m_block;
    BufferRef held;
    int expected_depth = -1;
    for (int level = 0; level <= kMaxExtentDepth; ++level) {
        uint16_t magic = le16(node), entries = le16(node + 2), max = le16(node + 4), depth = le16(node + 6);
        if (magic != kExtentMagic || entries > max || max > (node_size - kExtentHeader) / kExtentEntry
            || depth > kMaxExtentDepth || (expected_depth >= 0 && depth != expected_depth))
            return ext2().corrupt("inode %lu: damaged extent tree node", (unsigned long)ino());
        const uint8_t* e = node + kExtentHeader;
        if (depth == 0) {
            for (uint16_t i = 0; i < entries; ++i, e += kExtentEntry) {
                uint32_t first = le32(e);
                uint32_t length = le16(e + 4);
                bool uninitialized = length > kExtentInitMax;
                if (uninitialized)
                    length -= kExtentInitMax;
                if (index >= first && index < uint64_t(first) + length) {
                    uint64_t run = kstd::min<uint64_t>(max_run, uint64_t(first) + length - index);
                    if (uninitialized)
                        return Mapping { 0, run }; // allocated but never written: reads as zeros
                    uint64_t start = le32(e + 8) | (uint64_t(le16(e + 6)) << 32);
                    return Mapping { start + (index - first), run };
                }
            }
            return Mapping { 0, 1 };
        }
        // Index node: the last entry whose first block is <= index.
        const uint8_t* chosen = nullptr;
        for (uint16_t i = 0; i < entries; ++i, e += kExtentEntry)
            if (le32(e) <= index)
                chosen = e;
        if (!chosen)
            return Mapping { 0, 1 };
        uint64_t child = le32(chosen + 4) | (uint64_t(le16(chosen + 8)) << 32);
        held = TRY(ext2().block(child, "an extent tree node"));
        node = held.data();
        node_size = ext2().block_size();
        expected_depth = depth - 1;
    }
    return ext2().corrupt("inode %lu: extent tree too deep", (unsigned long)ino());
}

ErrorOr<RefPtr<SharedMemory>> Ext2Inode::shared_pages()
{
    if (!is_regular())
        return err(ENODEV);
    return FileCache::of(*this);
}

namespace {
// A block buffer lent to a file's page cache: held (never evicted) while
// the cache keeps the page.
class BlockPin final : public PagePin {
public:
    explicit BlockPin(BufferRef buffer) : m_buffer(kstd::move(buffer)) {}
    void* page() const override { return m_buffer.data(); }
    void mark_dirty() override { m_buffer.mark_dirty(); }

private:
    BufferRef m_buffer;
};
} // namespace

ErrorOr<RefPtr<PagePin>> Ext2Inode::pin_page(uint64_t index)
{
    // Only where a block is a page; a hole (or the page past the end) has
    // no block until written: the cache copies then.
    if (ext2().block_size() != kPageSize || !is_regular() || index * kPageSize >= m_size)
        return RefPtr<PagePin>();
    uint64_t physical = TRY(map(index));
    if (!physical)
        return RefPtr<PagePin>();
    BufferRef b = TRY(ext2().block(physical, "a file's data"));
    auto pin = kstd::adopt_new<BlockPin>(kstd::move(b));
    if (!pin)
        return err(ENOMEM);
    return RefPtr<PagePin>(pin.ptr());
}

ErrorOr<size_t> Ext2Inode::read(uint64_t offset, IoBuffer buf, size_t n)
{
    if (is_directory())
        return err(EISDIR);
    if (offset >= m_size)
        return 0;
    n = size_t(kstd::min<uint64_t>(n, m_size - offset));
    uint32_t bs = ext2().block_size();
    bool direct = buf.is_user() && n >= kDirectIoMin && ext2().does_direct_io();
    uint64_t last_index = (offset + n - 1) / bs;
    Mapping mapping { 0, 0 }; // of blocks [mapped_from, mapped_from + mapping.run)
    uint64_t mapped_from = 0;
    size_t done = 0;
    while (done < n) {
        uint64_t at = offset + done;
        uint64_t index = at / bs;
        size_t in_block = at % bs;
        if (index - mapped_from >= mapping.run) {
            mapping = TRY(map_run(index, last_index - index + 1));
            mapped_from = index;
        }
        uint64_t physical = mapping.at(index - mapped_from);
        uint64_t contiguous = mapping.run - (index - mapped_from); // blocks from `index` on
        if (direct && physical && in_block == 0 && n - done >= bs) {
            auto read = read_direct(physical, kstd::min<uint64_t>(contiguous, (n - done) / bs), buf.offset_by(done));
            if (read.is_error()) {
                // A bad buffer: the ordinary path finds out where it ends.
                if (read.error().code() != EFAULT)
                    return read.error();
                direct = false;
                continue;
            }
            if (read.value()) {
                done += read.value();
                continue;
            }
        }
        size_t chunk = kstd::min<size_t>(n - done, bs - in_block);
        ErrorOr<void> copied = {};
        if (physical == 0) {
            copied = buf.fill_zero(done, chunk);
        } else {
            if (!ext2().is_cached(physical))
                TRY(read_ahead(physical, contiguous));
            BufferRef b = TRY(ext2().block(physical, "file data"));
            copied = buf.write_from(done, b.data() + in_block, chunk);
        }
        if (copied.is_error()) {
            if (done)
                break;
            return copied.error();
        }
        done += chunk;
    }
    return done;
}

ErrorOr<void> Ext2Inode::read_ahead(uint64_t physical, uint64_t blocks)
{
    // When a read is about to miss the cache, fetch the physically
    // contiguous run of the blocks it needs with one device request.
    uint32_t run = uint32_t(kstd::min<uint64_t>(blocks, BufferCache::kMaxCluster));
    if (run > 1 && ext2().is_valid_block(physical + run - 1))
        TRY(ext2().prefetch(physical, run));
    return {};
}

ErrorOr<size_t> Ext2Inode::read_direct(uint64_t physical, uint64_t blocks, IoBuffer buf)
{
    // A large read of blocks the cache does not hold goes from the device
    // straight into the caller's memory, a physically contiguous run of up
    // to `blocks` per request, as Linux's page cache hands pages over
    // without a second copy. Cached blocks (possibly newer than the disk)
    // and blocks outside the file system take the ordinary path; 0 says so.
    uint64_t limit = kstd::min<uint64_t>(blocks, kMaxDirectRun);
    uint32_t run = 0;
    while (run < limit && ext2().is_valid_block(physical + run) && !ext2().is_cached(physical + run))
        ++run;
    if (run == 0)
        return 0;
    TRY(ext2().read_direct(physical, run, buf));
    return size_t(run) * ext2().block_size();
}

ErrorOr<size_t> Ext2Inode::readlink(char* buf, size_t size)
{
    if (!is_symlink())
        return err(EINVAL);
    if (m_size >= 4096)
        return ext2().corrupt("symlink inode %lu is %lu bytes long", (unsigned long)ino(), (unsigned long)m_size);
    size_t n = size_t(kstd::min<uint64_t>(size, m_size));
    // A fast symlink keeps its target in the block pointers themselves; it
    // owns no blocks besides an extended attribute block (as Linux decides).
    uint64_t xattr_blocks = m_file_acl ? ext2().block_size() / 512 : 0;
    if (m_blocks == xattr_blocks) {
        memcpy(buf, m_block, n);
        return n;
    }
    return read(0, IoBuffer::kernel(buf), n);
}

ErrorOr<RefPtr<Vnode>> Ext2Inode::lookup(StringView name)
{
    if (!is_directory())
        return err(ENOTDIR);
    uint32_t found = 0;
    TRY(for_each_entry(0, [&](uint64_t, uint64_t, uint32_t entry_ino, uint8_t, StringView entry_name) {
        if (entry_name == name) {
            found = entry_ino;
            return false;
        }
        return true;
    }));
    if (!found)
        return err(ENOENT);
    RefPtr<Ext2Inode> node = TRY(ext2().inode(found));
    return RefPtr<Vnode>(node);
}

ErrorOr<void> Ext2Inode::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (!is_directory())
        return err(ENOTDIR);
    return for_each_entry(cookie, [&](uint64_t, uint64_t next, uint32_t entry_ino, uint8_t type, StringView name) {
        return emit(ctx, { name, entry_ino, dirent_type(type), next });
    });
}

} // namespace husk
