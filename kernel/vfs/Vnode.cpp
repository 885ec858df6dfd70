#include "Vnode.h"
#include <husk/platform.h>
#include "File.h"
#include "FileCache.h"
#include "FileSystem.h"

namespace husk {

using namespace kstd::errno_values;

Timestamp Timestamp::now()
{
    uint64_t ns = husk_plat_clock_wall();
    return { int64_t(ns / 1000000000), int64_t(ns % 1000000000) };
}

Vnode::Vnode(FileSystem& fs, uint64_t ino, uint32_t mode) : m_mode(mode), m_fs(&fs), m_ino(ino)
{
    m_atime = m_mtime = m_ctime = Timestamp::now();
    fs.vnode_created();
}

Vnode::~Vnode() { m_fs->vnode_destroyed(*this); }

ErrorOr<RefPtr<Vnode>> Vnode::lookup(StringView) { return err(ENOTDIR); }
ErrorOr<RefPtr<Vnode>> Vnode::create(StringView, uint32_t, const Credentials&, uint64_t) { return err(ENOTDIR); }
ErrorOr<RefPtr<Vnode>> Vnode::mkdir(StringView, uint32_t, const Credentials&) { return err(ENOTDIR); }
ErrorOr<RefPtr<Vnode>> Vnode::symlink(StringView, StringView, const Credentials&) { return err(ENOTDIR); }
ErrorOr<void> Vnode::link(StringView, Vnode&) { return err(ENOTDIR); }
ErrorOr<void> Vnode::unlink(StringView) { return err(ENOTDIR); }
ErrorOr<void> Vnode::rmdir(StringView) { return err(ENOTDIR); }
ErrorOr<void> Vnode::rename(StringView, Vnode&, StringView) { return err(ENOTDIR); }
ErrorOr<void> Vnode::readdir(uint64_t, DirEmit, void*) { return err(ENOTDIR); }
ErrorOr<size_t> Vnode::read(uint64_t, IoBuffer, size_t) { return err(is_directory() ? EISDIR : EINVAL); }
ErrorOr<size_t> Vnode::write(uint64_t, IoBuffer, size_t) { return err(is_directory() ? EISDIR : EINVAL); }
ErrorOr<void> Vnode::truncate(uint64_t) { return err(is_directory() ? EISDIR : EINVAL); }
ErrorOr<size_t> Vnode::readlink(char*, size_t) { return err(EINVAL); }
ErrorOr<void> Vnode::sync() { return {}; }
ErrorOr<RefPtr<SharedMemory>> Vnode::shared_pages() { return err(ENODEV); }
ErrorOr<RefPtr<PagePin>> Vnode::pin_page(uint64_t) { return RefPtr<PagePin>(); }

ErrorOr<void> Vnode::setattr(const AttrChange& change)
{
    if (change.mask & AttrChange::Size) {
        // Mappings lose what lies past the new end before the file system
        // frees its blocks (a pinned block buffer must not outlive them).
        FileCache::truncating(*this, change.size);
        TRY(truncate(change.size));
        FileCache::resized(*this);
    }
    if (!(change.mask & ~AttrChange::Size))
        return {};
    if (change.mask & AttrChange::Mode)
        m_mode = (m_mode & linux::S_IFMT) | (change.mode & 07777);
    if (change.mask & AttrChange::Uid)
        m_uid = change.uid;
    if (change.mask & AttrChange::Gid)
        m_gid = change.gid;
    if (change.mask & AttrChange::Atime)
        m_atime = change.atime;
    if (change.mask & AttrChange::Mtime)
        m_mtime = change.mtime;
    if (change.mask & AttrChange::Ctime)
        m_ctime = change.ctime;
    return write_metadata();
}

void Vnode::count_link(Vnode& v, int delta)
{
    v.m_nlink += uint32_t(delta);
    v.m_ctime = Timestamp::now();
}

ErrorOr<uint64_t> Vnode::seek_data(uint64_t offset, bool want_hole)
{
    // Without hole information the whole file is data and EOF is the hole.
    if (offset >= m_size)
        return err(ENXIO);
    return want_hole ? m_size : offset;
}

ErrorOr<RefPtr<File>> Vnode::open_device(int) { return RefPtr<File>(); }

ErrorOr<void> Vnode::get_write_access()
{
    if (m_write_count < 0)
        return err(ETXTBSY);
    ++m_write_count;
    return {};
}

ErrorOr<void> Vnode::deny_write_access()
{
    if (m_write_count > 0)
        return err(ETXTBSY);
    --m_write_count;
    return {};
}

} // namespace husk
