// A mounted file system instance, and the registry of file system types
// that mount(2) can create by name.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../abi/Linux.h"
#include "Vnode.h"
#include "VnodeCache.h"

namespace husk {

class BlockDevice;

class FileSystem : public kstd::HeapObject {
public:
    virtual ~FileSystem() = default;

    // (Not pure: the kernel links without the C++ runtime's __cxa_pure_virtual.)
    virtual const char* type_name() const { return "none"; }
    virtual kstd::RefPtr<Vnode> root() { return nullptr; }
    virtual void statfs(linux::statfs& out);
    virtual kstd::ErrorOr<void> sync() { return {}; }
    // Called by umount once nothing refers to the fs any more.
    virtual kstd::ErrorOr<void> prepare_unmount() { return {}; }

    uint64_t device_id() const { return m_device_id; }
    bool is_read_only() const { return m_read_only; }
    void set_read_only(bool ro) { m_read_only = ro; }
    // Live vnodes of this fs, and the inode cache disk file systems use.
    size_t live_vnodes() const { return m_live_vnodes; }
    void vnode_created() { ++m_live_vnodes; }
    void vnode_destroyed(Vnode& v)
    {
        m_vnode_cache.remove(v);
        --m_live_vnodes;
    }
    VnodeCache& vnode_cache() { return m_vnode_cache; }
    // Open file descriptions on this fs (umount refuses with EBUSY).
    size_t open_files() const { return m_open_files; }
    void file_opened() { ++m_open_files; }
    void file_closed() { --m_open_files; }

protected:
    FileSystem();

private:
    uint64_t m_device_id;
    bool m_read_only { false };
    size_t m_live_vnodes { 0 };
    VnodeCache m_vnode_cache;
    size_t m_open_files { 0 };
};

struct FileSystemType {
    const char* name;
    // source: device path or free text; flags: MS_*; data: option string.
    kstd::ErrorOr<FileSystem*> (*create)(kstd::StringView source, unsigned long flags, kstd::StringView data);
    // Its source is a block device (Linux's FS_REQUIRES_DEV); the others
    // are "nodev" in /proc/filesystems.
    bool requires_device { false };
    // Whether a device holds this file system, by its contents (boot mounts
    // of disks: the first type that recognizes it); null: not tried.
    bool (*recognizes)(BlockDevice& device) { nullptr };
};

class FileSystemTypes {
public:
    static bool add(const FileSystemType& type);
    static const FileSystemType* find(kstd::StringView name);
    // The types in the order they were added.
    static size_t count();
    static const FileSystemType& at(size_t index);
};

} // namespace husk
