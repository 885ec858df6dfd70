// The write half of Ext2Inode: metadata encoding, allocating block maps,
// truncation, directory entries and the namespace operations.
#include "../../core/Log.h"
#include "Ext2FileSystem.h"
#include "Ext2Format.h"
#include "Ext2Inode.h"
#include "Ext2InodeEntries.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ext2;

namespace {

constexpr uint32_t kWantExtraIsize = 32;
constexpr uint64_t kLargeFileSize = 0x7fffffff; // larger files need the large_file feature

uint8_t ext2_file_type(uint32_t mode)
{
    switch (mode & linux::S_IFMT) {
    case linux::S_IFREG: return 1;
    case linux::S_IFDIR: return 2;
    case linux::S_IFCHR: return 3;
    case linux::S_IFBLK: return 4;
    case linux::S_IFIFO: return 5;
    case linux::S_IFSOCK: return 6;
    case linux::S_IFLNK: return 7;
    }
    return 0;
}

uint32_t dirent_size(size_t name_length) { return uint32_t((kDirentHeader + name_length + 3) & ~size_t(3)); }

void put_time(uint8_t* raw, size_t base_field, size_t extra_field, uint32_t extra_isize, const Timestamp& t)
{
    put32(raw + base_field, uint32_t(t.sec));
    if (extra_isize && extra_field + 4 <= 128 + extra_isize)
        put32(raw + extra_field, (uint32_t(t.nsec) << 2) | uint32_t((uint64_t(t.sec) >> 32) & 3));
}

} // namespace

ErrorOr<void> Ext2Inode::write_metadata()
{
    if (ext2().is_read_only())
        return {};
    size_t offset;
    BufferRef b = TRY(ext2().inode_block(uint32_t(ino()), offset));
    uint8_t* raw = b.data() + offset;
    uint32_t extra_isize = ext2().inode_size() > 128 ? le16(raw + ino::extra_isize) : 0;
    put16(raw + ino::mode, uint16_t(m_mode));
    put16(raw + ino::uid, uint16_t(m_uid));
    put16(raw + ino::uid_hi, uint16_t(m_uid >> 16));
    put16(raw + ino::gid, uint16_t(m_gid));
    put16(raw + ino::gid_hi, uint16_t(m_gid >> 16));
    put32(raw + ino::size_lo, uint32_t(m_size));
    put32(raw + ino::size_hi, uint32_t(m_size >> 32));
    put16(raw + ino::links, uint16_t(m_nlink));
    put32(raw + ino::blocks_lo, uint32_t(m_blocks));
    put32(raw + ino::flags, m_flags);
    put32(raw + ino::dtime, uint32_t(m_dtime));
    memcpy(raw + ino::block, m_block, sizeof m_block);
    put_time(raw, ino::atime, ino::atime_extra, extra_isize, m_atime);
    put_time(raw, ino::mtime, ino::mtime_extra, extra_isize, m_mtime);
    put_time(raw, ino::ctime, ino::ctime_extra, extra_isize, m_ctime);
    b.mark_dirty();
    return {};
}

ErrorOr<void> Ext2Inode::sync()
{
    TRY(write_metadata());
    return ext2().sync();
}

ErrorOr<RefPtr<Ext2Inode>> Ext2Inode::create_on_disk(Ext2FileSystem& fs, uint32_t number, uint32_t mode, const Credentials& who)
{
    size_t offset;
    BufferRef b = TRY(fs.inode_block(number, offset));
    uint8_t* raw = b.data() + offset;
    memset(raw, 0, fs.inode_size());
    if (fs.inode_size() >= 128 + kWantExtraIsize)
        put16(raw + ino::extra_isize, uint16_t(kWantExtraIsize));
    b.mark_dirty();
    auto node = kstd::adopt_new<Ext2Inode>(fs, number, mode);
    if (!node)
        return err(ENOMEM);
    node->m_uid = who.euid;
    node->m_gid = who.egid;
    node->m_nlink = 1;
    TRY(node->write_metadata());
    TRY(fs.vnode_cache().insert(*node));
    return node;
}

Ext2Inode::~Ext2Inode()
{
    // The last link and the last reference are gone: give everything back.
    if (m_nlink != 0 || ext2().is_read_only())
        return;
    bool ok = true;
    if (has_block_map())
        ok = !free_from(0).is_error();
    m_size = 0;
    m_dtime = Timestamp::now().sec;
    ok = ok && !write_metadata().is_error();
    ok = ok && !ext2().free_inode(uint32_t(ino()), is_directory()).is_error();
    if (!ok)
        klog(LogLevel::Error, "ext2: %s: could not free inode %lu", ext2().device_name(), (unsigned long)ino());
}

bool Ext2Inode::has_block_map() const
{
    if (linux::is_lnk(m_mode))
        return m_blocks != (m_file_acl ? ext2().block_size() / 512 : 0); // slow symlinks only
    return is_regular() || is_directory();
}

ErrorOr<uint64_t> Ext2Inode::allocate_near()
{
    // Right after this inode's last block (as Linux's ext2 keeps a goal per
    // inode), else at the start of its group.
    uint64_t goal = m_next_goal ? m_next_goal : ext2().first_block_of_group(ext2().group_of_inode(uint32_t(ino())));
    uint64_t block = TRY(ext2().allocate_block(goal));
    m_blocks += ext2().block_size() / 512;
    m_next_goal = block + 1;
    return block;
}

ErrorOr<uint64_t> Ext2Inode::map_for_write(uint64_t index, bool& fresh, bool cache_new_data)
{
    fresh = false;
    if (m_flags & INODE_EXTENTS_FL)
        return err(EROFS);
    BlockPath path;
    if (!block_path(index, path))
        return err(EFBIG);
    uint64_t per = ext2().block_size() / 4;
    uint8_t* pointer = m_block + 4 * path.slot;
    BufferRef holder;
    for (int level = 0;; ++level) {
        uint64_t block = le32(pointer);
        bool last = level == path.levels;
        if (block == 0) {
            block = TRY(allocate_near());
            if (!last || cache_new_data)
                TRY(ext2().new_block(block)); // zeroed: holes stay holes
            put32(pointer, uint32_t(block));
            if (holder)
                holder.mark_dirty();
            if (last)
                fresh = true;
        }
        if (last)
            return block;
        holder = TRY(ext2().block(block, "an indirect block"));
        pointer = holder.data() + 4 * (path.rest / path.span);
        path.rest %= path.span;
        path.span /= per;
    }
}

ErrorOr<void> Ext2Inode::large_file_allowed(uint64_t size)
{
    if (size <= kLargeFileSize)
        return {};
    return ext2().allow_large_files();
}

ErrorOr<size_t> Ext2Inode::write(uint64_t offset, IoBuffer buf, size_t n)
{
    if (!is_regular())
        return err(is_directory() ? EISDIR : EINVAL);
    uint32_t bs = ext2().block_size();
    if (offset + n > kLargeFileSize)
        TRY(large_file_allowed(offset + n));
    bool direct = buf.is_user() && n >= kDirectIoMin && ext2().does_direct_io();
    size_t done = 0;
    kstd::Error failure = err(0);
    while (done < n) {
        uint64_t at = offset + done;
        size_t in_block = at % bs;
        if (direct && in_block == 0 && n - done >= bs) {
            auto wrote = write_direct(at / bs, (n - done) / bs, buf.offset_by(done));
            if (wrote.is_error() && wrote.error().code() == EFAULT) {
                // A bad buffer: the ordinary path finds out where it ends
                // (Linux writes up to the bad page).
                direct = false;
                continue;
            }
            if (wrote.is_error()) {
                failure = wrote.error();
                break;
            }
            if (wrote.value()) {
                done += wrote.value();
                continue;
            }
        }
        size_t chunk = kstd::min<size_t>(n - done, bs - in_block);
        bool fresh;
        auto physical = map_for_write(at / bs, fresh);
        if (physical.is_error()) {
            failure = physical.error();
            break;
        }
        auto b = ext2().block(physical.value(), "file data");
        if (b.is_error()) {
            failure = b.error();
            break;
        }
        if (auto r = buf.read_into(b.value().data() + in_block, done, chunk); r.is_error()) {
            failure = r.error();
            break;
        }
        b.value().mark_dirty();
        done += chunk;
    }
    if (offset + done > m_size)
        m_size = offset + done;
    if (done)
        m_mtime = m_ctime = Timestamp::now();
    TRY(write_metadata());
    if (done == 0 && n > 0)
        return failure;
    return done;
}

ErrorOr<size_t> Ext2Inode::write_direct(uint64_t index, uint64_t max_blocks, IoBuffer buf)
{
    // A large write of whole blocks the cache does not hold goes from the
    // caller's memory straight to the device, a physically contiguous run
    // per request (the mirror of read_direct). Blocks allocated for the run
    // skip the zeroed cache copy the ordinary path makes; if the write fails
    // they get it after all, so a failed write cannot expose what a deleted
    // file left on them (and the ordinary path, retrying after a bad buffer,
    // finds them as it expects). 0: the first block takes the ordinary path.
    uint32_t limit = uint32_t(kstd::min<uint64_t>(max_blocks, kMaxDirectRun));
    uint64_t first = 0;
    uint32_t run = 0;
    uint64_t fresh_blocks[kMaxDirectRun / 64] = {};
    while (run < limit) {
        bool fresh;
        auto mapped = map_for_write(index + run, fresh, false);
        if (mapped.is_error()) {
            if (run == 0)
                return mapped.error();
            break; // write what is mapped; the ordinary path meets the error again
        }
        uint64_t physical = mapped.value();
        // Not contiguous, cached, or outside the file system (corrupt: the
        // ordinary path reports it): the run ends before this block.
        if ((run && physical != first + run) || ext2().is_cached(physical) || !ext2().is_valid_block(physical)) {
            if (fresh) // the ordinary path expects new blocks zeroed in the cache
                TRY(ext2().new_block(physical));
            break;
        }
        if (run == 0)
            first = physical;
        if (fresh)
            fresh_blocks[run / 64] |= uint64_t(1) << (run % 64);
        ++run;
    }
    if (run == 0)
        return 0;
    if (auto wrote = ext2().write_direct(first, run, buf); wrote.is_error()) {
        for (uint32_t i = 0; i < run; ++i)
            if (fresh_blocks[i / 64] & (uint64_t(1) << (i % 64)))
                TRY(ext2().new_block(first + i));
        return wrote.error();
    }
    return size_t(run) * ext2().block_size();
}

ErrorOr<void> Ext2Inode::free_subtree(uint8_t* slot, bool& changed, int depth, uint64_t base, uint64_t first)
{
    uint64_t block = le32(slot);
    if (block == 0)
        return {};
    uint64_t per = ext2().block_size() / 4;
    uint64_t span = 1;
    for (int l = 0; l < depth; ++l)
        span *= per;
    if (first >= base + span)
        return {};
    if (depth > 0) {
        BufferRef b = TRY(ext2().block(block, "an indirect block"));
        uint64_t child_span = span / per;
        for (uint64_t i = 0; i < per; ++i) {
            uint64_t child_base = base + i * child_span;
            if (child_base + child_span <= first)
                continue;
            bool child_changed = false;
            TRY(free_subtree(b.data() + 4 * i, child_changed, depth - 1, child_base, first));
            if (child_changed)
                b.mark_dirty();
        }
        if (first > base)
            return {}; // part of this indirect block is still in use
    }
    TRY(ext2().free_block(block));
    m_blocks -= ext2().block_size() / 512;
    put32(slot, 0);
    changed = true;
    return {};
}

ErrorOr<void> Ext2Inode::free_from(uint64_t first)
{
    if (m_flags & INODE_EXTENTS_FL)
        return err(EROFS);
    uint64_t per = ext2().block_size() / 4;
    bool changed = false;
    for (uint64_t i = 0; i < ino::kDirect; ++i)
        TRY(free_subtree(m_block + 4 * i, changed, 0, i, first));
    TRY(free_subtree(m_block + 4 * ino::kIndirect, changed, 1, ino::kDirect, first));
    TRY(free_subtree(m_block + 4 * ino::kDouble, changed, 2, ino::kDirect + per, first));
    TRY(free_subtree(m_block + 4 * ino::kTriple, changed, 3, ino::kDirect + per + per * per, first));
    return {};
}

ErrorOr<void> Ext2Inode::truncate(uint64_t size)
{
    if (is_directory())
        return err(EISDIR);
    if (!is_regular())
        return err(EINVAL);
    uint32_t bs = ext2().block_size();
    if (size < m_size) {
        TRY(free_from((size + bs - 1) / bs));
        // Zero the rest of the last block, so growing later reads zeros.
        if (size % bs) {
            uint64_t physical = TRY(map(size / bs));
            if (physical) {
                BufferRef b = TRY(ext2().block(physical, "file data"));
                memset(b.data() + size % bs, 0, bs - size % bs);
                b.mark_dirty();
            }
        }
    } else if (size > m_size) {
        if (size > kLargeFileSize)
            TRY(large_file_allowed(size));
        uint64_t per = bs / 4;
        if ((size - 1) / bs >= ino::kDirect + per + per * per + per * per * per)
            return err(EFBIG);
    }
    m_size = size;
    m_mtime = m_ctime = Timestamp::now();
    return write_metadata();
}

// --- directories

ErrorOr<void> Ext2Inode::require_writable_directory()
{
    if (!is_directory())
        return err(ENOTDIR);
    if (ext2().is_read_only())
        return err(EROFS);
    if (m_nlink == 0)
        return err(ENOENT); // removed: nothing can be created in it
    return {};
}

void Ext2Inode::touch_directory()
{
    m_mtime = m_ctime = Timestamp::now();
    m_flags &= ~INODE_INDEX_FL; // a linear update invalidates an htree index
}

ErrorOr<uint32_t> Ext2Inode::find_entry(StringView name)
{
    uint32_t found = 0;
    TRY(for_each_entry(0, [&](uint64_t, uint64_t, uint32_t entry_ino, uint8_t, StringView entry_name) {
        if (entry_name != name)
            return true;
        found = entry_ino;
        return false;
    }));
    return found;
}

ErrorOr<void> Ext2Inode::add_entry(StringView name, uint32_t entry_ino, uint32_t mode)
{
    uint32_t bs = ext2().block_size();
    uint32_t needed = dirent_size(name.length());
    bool has_type = ext2().has_incompat(INCOMPAT_FILETYPE);
    auto fill = [&](uint8_t* at, uint32_t rec_len) {
        put32(at, entry_ino);
        put16(at + 4, uint16_t(rec_len));
        at[6] = uint8_t(name.length());
        at[7] = has_type ? ext2_file_type(mode) : 0;
        memcpy(at + kDirentHeader, name.data(), name.length());
    };
    for (uint64_t index = 0; index * bs < m_size; ++index) {
        uint64_t physical = TRY(map(index));
        if (physical == 0)
            return ext2().corrupt("directory inode %lu has a hole", (unsigned long)ino());
        BufferRef b = TRY(ext2().block(physical, "a directory"));
        uint8_t* data = b.data();
        for (uint32_t at = 0; at < bs;) {
            uint32_t e_ino = le32(data + at);
            uint16_t rec_len = le16(data + at + 4);
            if (!dirent_valid(data, at, bs))
                return ext2().corrupt("directory inode %lu: bad entry at byte %lu", (unsigned long)ino(), (unsigned long)(index * bs + at));
            uint32_t used = e_ino ? dirent_size(data[at + 6]) : 0;
            if (rec_len - used >= needed) {
                if (used) {
                    put16(data + at + 4, uint16_t(used));
                    fill(data + at + used, rec_len - used);
                } else {
                    fill(data + at, rec_len);
                }
                b.mark_dirty();
                touch_directory();
                return write_metadata();
            }
            at += rec_len;
        }
    }
    // No room: a new block at the end of the directory.
    bool fresh;
    uint64_t physical = TRY(map_for_write(m_size / bs, fresh));
    BufferRef b = TRY(ext2().block(physical, "a directory"));
    memset(b.data(), 0, bs);
    fill(b.data(), bs);
    b.mark_dirty();
    m_size += bs;
    touch_directory();
    return write_metadata();
}

ErrorOr<void> Ext2Inode::remove_entry(StringView name)
{
    uint32_t bs = ext2().block_size();
    uint64_t found = UINT64_MAX, previous = UINT64_MAX, previous_candidate = UINT64_MAX;
    TRY(for_each_entry(0, [&](uint64_t position, uint64_t, uint32_t, uint8_t, StringView entry_name) {
        if (entry_name == name) {
            found = position;
            previous = previous_candidate;
            return false;
        }
        previous_candidate = position;
        return true;
    }));
    if (found == UINT64_MAX)
        return err(ENOENT);
    uint64_t physical = TRY(map(found / bs));
    BufferRef b = TRY(ext2().block(physical, "a directory"));
    uint8_t* data = b.data();
    uint32_t at = uint32_t(found % bs);
    // Merge into the previous live entry of the same block; if it is the
    // block's first entry, or deleted entries sit before it, mark it free.
    uint32_t prev_at = UINT32_MAX;
    if (previous != UINT64_MAX && previous / bs == found / bs)
        prev_at = uint32_t(previous % bs);
    if (prev_at != UINT32_MAX && prev_at + le16(data + prev_at + 4) == at)
        put16(data + prev_at + 4, uint16_t(le16(data + prev_at + 4) + le16(data + at + 4)));
    else
        put32(data + at, 0);
    b.mark_dirty();
    touch_directory();
    return write_metadata();
}

ErrorOr<void> Ext2Inode::retarget_entry(StringView name, uint32_t entry_ino, uint32_t mode)
{
    uint32_t bs = ext2().block_size();
    uint64_t found = UINT64_MAX;
    TRY(for_each_entry(0, [&](uint64_t position, uint64_t, uint32_t, uint8_t, StringView entry_name) {
        if (entry_name != name)
            return true;
        found = position;
        return false;
    }));
    if (found == UINT64_MAX)
        return err(ENOENT);
    BufferRef b = TRY(ext2().block(TRY(map(found / bs)), "a directory"));
    put32(b.data() + found % bs, entry_ino);
    if (ext2().has_incompat(INCOMPAT_FILETYPE))
        b.data()[found % bs + 7] = ext2_file_type(mode);
    b.mark_dirty();
    touch_directory();
    return write_metadata();
}

ErrorOr<bool> Ext2Inode::is_empty_directory()
{
    bool empty = true;
    TRY(for_each_entry(0, [&](uint64_t, uint64_t, uint32_t, uint8_t, StringView name) {
        if (name == "." || name == "..")
            return true;
        empty = false;
        return false;
    }));
    return empty;
}

ErrorOr<RefPtr<Vnode>> Ext2Inode::create(StringView name, uint32_t mode, const Credentials& who, uint64_t)
{
    TRY(require_writable_directory());
    if (TRY(find_entry(name)))
        return err(EEXIST);
    uint32_t number = TRY(ext2().allocate_inode(uint32_t(ino()), false));
    auto node = Ext2Inode::create_on_disk(ext2(), number, mode, who);
    if (node.is_error()) {
        (void)ext2().free_inode(number, false);
        return node.error();
    }
    RefPtr<Ext2Inode> file = node.release_value();
    if (auto r = add_entry(name, number, mode); r.is_error()) {
        file->m_nlink = 0; // freed when released
        return r.error();
    }
    return RefPtr<Vnode>(file);
}

ErrorOr<RefPtr<Vnode>> Ext2Inode::mkdir(StringView name, uint32_t mode, const Credentials& who)
{
    TRY(require_writable_directory());
    if (TRY(find_entry(name)))
        return err(EEXIST);
    uint32_t number = TRY(ext2().allocate_inode(uint32_t(ino()), true));
    auto node = Ext2Inode::create_on_disk(ext2(), number, linux::S_IFDIR | (mode & 07777), who);
    if (node.is_error()) {
        (void)ext2().free_inode(number, true);
        return node.error();
    }
    RefPtr<Ext2Inode> dir = node.release_value();
    // "." and "..": the first block of every directory.
    uint32_t bs = ext2().block_size();
    bool fresh;
    auto physical = dir->map_for_write(0, fresh);
    if (physical.is_error()) {
        dir->m_nlink = 0;
        return physical.error();
    }
    BufferRef b = TRY(ext2().block(physical.value(), "a directory"));
    uint8_t* data = b.data();
    bool has_type = ext2().has_incompat(INCOMPAT_FILETYPE);
    put32(data, number);
    put16(data + 4, 12);
    data[6] = 1;
    data[7] = has_type ? 2 : 0;
    data[8] = '.';
    put32(data + 12, uint32_t(ino()));
    put16(data + 16, uint16_t(bs - 12));
    data[18] = 2;
    data[19] = has_type ? 2 : 0;
    data[20] = data[21] = '.';
    b.mark_dirty();
    dir->m_size = bs;
    dir->m_nlink = 2;
    TRY(dir->write_metadata());
    if (auto r = add_entry(name, number, dir->m_mode); r.is_error()) {
        dir->m_nlink = 0;
        return r.error();
    }
    ++m_nlink;
    TRY(write_metadata());
    return RefPtr<Vnode>(dir);
}

ErrorOr<RefPtr<Vnode>> Ext2Inode::symlink(StringView name, StringView target, const Credentials& who)
{
    TRY(require_writable_directory());
    if (target.length() >= ext2().block_size())
        return err(ENAMETOOLONG);
    if (TRY(find_entry(name)))
        return err(EEXIST);
    uint32_t number = TRY(ext2().allocate_inode(uint32_t(ino()), false));
    auto node = Ext2Inode::create_on_disk(ext2(), number, linux::S_IFLNK | 0777, who);
    if (node.is_error()) {
        (void)ext2().free_inode(number, false);
        return node.error();
    }
    RefPtr<Ext2Inode> link = node.release_value();
    if (target.length() < sizeof link->m_block) {
        memcpy(link->m_block, target.data(), target.length()); // fast symlink
    } else {
        bool fresh;
        auto physical = link->map_for_write(0, fresh);
        if (physical.is_error()) {
            link->m_nlink = 0;
            return physical.error();
        }
        BufferRef b = TRY(ext2().block(physical.value(), "a symlink"));
        memcpy(b.data(), target.data(), target.length());
        b.mark_dirty();
    }
    link->m_size = target.length();
    TRY(link->write_metadata());
    if (auto r = add_entry(name, number, link->m_mode); r.is_error()) {
        link->m_nlink = 0;
        return r.error();
    }
    return RefPtr<Vnode>(link);
}

ErrorOr<void> Ext2Inode::link(StringView name, Vnode& target_vnode)
{
    auto& target = static_cast<Ext2Inode&>(target_vnode); // the VFS checked: this file system's
    TRY(require_writable_directory());
    if (TRY(find_entry(name)))
        return err(EEXIST);
    if (target.m_nlink >= 65000)
        return err(EMLINK);
    TRY(add_entry(name, uint32_t(target.ino()), target.mode()));
    ++target.m_nlink;
    target.m_ctime = Timestamp::now();
    return target.write_metadata();
}

ErrorOr<void> Ext2Inode::unlink(StringView name)
{
    if (ext2().is_read_only())
        return err(EROFS);
    uint32_t number = TRY(find_entry(name));
    if (!number)
        return err(ENOENT);
    RefPtr<Ext2Inode> victim = TRY(ext2().inode(number));
    if (victim->is_directory())
        return err(EISDIR);
    TRY(remove_entry(name));
    --victim->m_nlink;
    victim->m_ctime = Timestamp::now();
    return victim->write_metadata(); // freed when the last reference goes
}

ErrorOr<void> Ext2Inode::rmdir(StringView name)
{
    if (ext2().is_read_only())
        return err(EROFS);
    uint32_t number = TRY(find_entry(name));
    if (!number)
        return err(ENOENT);
    RefPtr<Ext2Inode> victim = TRY(ext2().inode(number));
    if (!victim->is_directory())
        return err(ENOTDIR);
    if (!TRY(victim->is_empty_directory()))
        return err(ENOTEMPTY);
    TRY(remove_entry(name));
    victim->m_nlink = 0;
    victim->m_ctime = Timestamp::now();
    TRY(victim->write_metadata());
    --m_nlink;
    return write_metadata();
}

ErrorOr<void> Ext2Inode::rename(StringView old_name, Vnode& new_dir_vnode, StringView new_name)
{
    auto& new_dir = static_cast<Ext2Inode&>(new_dir_vnode);
    TRY(require_writable_directory());
    TRY(new_dir.require_writable_directory());
    uint32_t number = TRY(find_entry(old_name));
    if (!number)
        return err(ENOENT);
    RefPtr<Ext2Inode> moving = TRY(ext2().inode(number));
    uint32_t existing = TRY(new_dir.find_entry(new_name));
    if (existing == number)
        return {}; // two links to one inode: nothing to do
    RefPtr<Ext2Inode> victim;
    if (existing) {
        victim = TRY(ext2().inode(existing));
        if (victim->is_directory() && !TRY(victim->is_empty_directory()))
            return err(ENOTEMPTY);
        TRY(new_dir.retarget_entry(new_name, number, moving->m_mode));
    } else {
        TRY(new_dir.add_entry(new_name, number, moving->m_mode));
    }
    // &new_dir may be this: re-find the old name after the change above.
    TRY(remove_entry(old_name));
    if (victim) {
        if (victim->is_directory()) {
            victim->m_nlink = 0;
            --new_dir.m_nlink;
        } else {
            --victim->m_nlink;
        }
        victim->m_ctime = Timestamp::now();
        TRY(victim->write_metadata());
    }
    if (moving->is_directory() && &new_dir != this) {
        TRY(moving->retarget_entry("..", uint32_t(new_dir.ino()), new_dir.m_mode));
        --m_nlink;
        ++new_dir.m_nlink;
    }
    moving->m_ctime = Timestamp::now();
    TRY(moving->write_metadata());
    TRY(new_dir.write_metadata());
    return write_metadata();
}

} // namespace husk
