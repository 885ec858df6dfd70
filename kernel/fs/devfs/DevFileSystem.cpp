#include "DevFileSystem.h"
#include "DevDirectory.h"

namespace husk {

ErrorOr<FileSystem*> DevFileSystem::create(kstd::StringView, unsigned long, kstd::StringView)
{
    auto* fs = new DevFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    auto root = kstd::adopt_new<DevDirectory>(*fs, 1);
    if (!root) {
        delete fs;
        return err(kstd::ENOMEM);
    }
    size_t count;
    const CharDevice* devices = builtin_devices(count);
    for (size_t i = 0; i < count; ++i) {
        auto node = kstd::adopt_new<DeviceNode>(*fs, i + 2, devices[i]);
        if (!node || root->add(node).is_error()) {
            root.clear();
            delete fs;
            return err(kstd::ENOMEM);
        }
    }
    // /dev/shm: where boot mounts a tmpfs for POSIX shared memory.
    auto shm = kstd::adopt_new<DevDirectory>(*fs, count + 2, root.ptr());
    if (!shm || root->add_directory("shm", shm).is_error()) {
        shm.clear();
        root.clear();
        delete fs;
        return err(kstd::ENOMEM);
    }
    fs->m_root = root;
    return fs;
}

void DevFileSystem::register_type() { FileSystemTypes::add({ "devfs", create }); }

void DevFileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = linux::DEVFS_MAGIC;
    out.f_bsize = out.f_frsize = 4096;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
}

} // namespace husk
