#include "RamfsFileSystem.h"
#include "../../core/Heap.h"
#include "RamfsDirectory.h"

namespace husk {

ErrorOr<FileSystem*> RamfsFileSystem::create(kstd::StringView, unsigned long, kstd::StringView)
{
    auto* fs = new RamfsFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    auto root = RamfsDirectory::create(*fs, 0755 | linux::S_IFDIR, Credentials {}, nullptr);
    if (root.is_error()) {
        delete fs;
        return root.error();
    }
    fs->m_root = root.release_value();
    return fs;
}

void RamfsFileSystem::register_type()
{
    FileSystemTypes::add({ "ramfs", create });
    FileSystemTypes::add({ "tmpfs", create });
}

kstd::RefPtr<Vnode> RamfsFileSystem::root() { return m_root; }

void RamfsFileSystem::statfs(linux::statfs& out)
{
    // Bounded only by kernel memory, like Linux ramfs; report it honestly.
    auto heap = Heap::stats();
    out = {};
    out.f_type = linux::TMPFS_MAGIC;
    out.f_bsize = out.f_frsize = kPageSize;
    out.f_blocks = heap.total_pages;
    out.f_bfree = out.f_bavail = heap.free_pages;
    out.f_files = heap.total_pages;
    out.f_ffree = heap.free_pages;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
    out.f_flags = is_read_only() ? linux::MS_RDONLY : 0;
}

} // namespace husk
