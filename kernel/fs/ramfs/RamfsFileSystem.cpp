#include "RamfsFileSystem.h"
#include "../../core/Heap.h"
#include "RamfsDirectory.h"

namespace husk {

namespace {
// The root's permissions from tmpfs's "mode=OCTAL" option (0755 without
// it); the other options (size=, nr_inodes=, ...) are accepted and ignored.
ErrorOr<uint32_t> root_mode(kstd::StringView data)
{
    uint32_t mode = 0755;
    for (size_t at = 0; at < data.length();) {
        long comma = data.find(',', at);
        size_t end = comma < 0 ? data.length() : size_t(comma);
        kstd::StringView option = data.substring(at, end - at);
        if (option.starts_with("mode=")) {
            if (option.length() == 5)
                return err(kstd::EINVAL);
            mode = 0;
            for (size_t i = 5; i < option.length(); ++i) {
                if (option[i] < '0' || option[i] > '7' || mode > 07777)
                    return err(kstd::EINVAL);
                mode = mode * 8 + uint32_t(option[i] - '0');
            }
            mode &= 07777;
        }
        at = end + 1;
    }
    return mode;
}
} // namespace

ErrorOr<FileSystem*> RamfsFileSystem::create(kstd::StringView, unsigned long, kstd::StringView data)
{
    return create_with_root_mode(TRY(root_mode(data)));
}

ErrorOr<FileSystem*> RamfsFileSystem::create_with_root_mode(uint32_t mode, const char* type_name)
{
    auto* fs = new RamfsFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    fs->m_type_name = type_name;
    auto root = RamfsDirectory::create(*fs, mode | linux::S_IFDIR, Credentials {}, nullptr);
    if (root.is_error()) {
        delete fs;
        return root.error();
    }
    fs->m_root = root.release_value();
    return fs;
}

ErrorOr<FileSystem*> RamfsFileSystem::create_tmpfs(kstd::StringView source, unsigned long flags, kstd::StringView data)
{
    auto* fs = static_cast<RamfsFileSystem*>(TRY(create(source, flags, data)));
    fs->m_type_name = "tmpfs";
    return fs;
}

void RamfsFileSystem::register_type()
{
    FileSystemTypes::add({ "ramfs", create });
    FileSystemTypes::add({ "tmpfs", create_tmpfs });
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
