// The devfs root directory: a fixed list of device nodes.
#pragma once

#include "../../kstd/Vector.h"
#include "../../vfs/Vnode.h"
#include "DeviceNode.h"

namespace husk {

class DevDirectory final : public Vnode {
public:
    DevDirectory(FileSystem& fs, uint64_t ino);
    kstd::ErrorOr<void> add(kstd::RefPtr<DeviceNode> node);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView, uint32_t, const Credentials&, uint64_t) override { return kstd::err(kstd::EPERM); }
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView, uint32_t, const Credentials&) override { return kstd::err(kstd::EPERM); }
    kstd::ErrorOr<void> unlink(kstd::StringView) override { return kstd::err(kstd::EPERM); }

private:
    kstd::Vector<kstd::RefPtr<DeviceNode>> m_nodes;
};

} // namespace husk
