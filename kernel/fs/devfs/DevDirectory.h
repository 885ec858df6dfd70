// A devfs directory: a fixed list of device nodes, and of directories
// that other file systems are mounted on (/dev/shm, a tmpfs); and the
// sockets bind(2) names in it, as Linux's devtmpfs takes them (/dev/log,
// the kernel's syslog socket).
#pragma once

#include "../../kstd/Vector.h"
#include "../../vfs/Vnode.h"
#include "DeviceNode.h"

namespace husk {

class DevDirectory final : public Vnode {
public:
    DevDirectory(FileSystem& fs, uint64_t ino, DevDirectory* parent = nullptr);
    kstd::ErrorOr<void> add(kstd::RefPtr<DeviceNode> node);
    // An empty subdirectory (a mount point); the name must outlive it.
    kstd::ErrorOr<void> add_directory(const char* name, kstd::RefPtr<DevDirectory> dir);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    // Sockets only (EPERM for other types).
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials& who, uint64_t) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView, uint32_t, const Credentials&) override { return kstd::err(kstd::EPERM); }
    // A socket's name goes; the devices stay (EPERM).
    kstd::ErrorOr<void> unlink(kstd::StringView name) override;
    // The fill makes sockets (the kernel's /dev/log): it runs at the first
    // lookup of a name the devices do not have, listing, bind or unlink.
    bool fill_on_first_use(DirectoryFill fill) override;

private:
    struct Subdirectory {
        const char* name;
        kstd::RefPtr<DevDirectory> dir;
    };
    kstd::Vector<kstd::RefPtr<DeviceNode>> m_nodes;
    kstd::Vector<Subdirectory> m_dirs;
    kstd::Vector<kstd::RefPtr<Vnode>> m_sockets; // DevSocketNode
    DevDirectory* m_parent; // null for the root
    DirectoryFill m_fill { nullptr };
    kstd::ErrorOr<void> filled();
};

} // namespace husk
