#include "DevDirectory.h"

namespace husk {

DevDirectory::DevDirectory(FileSystem& fs, uint64_t ino) : Vnode(fs, ino, linux::S_IFDIR | 0755) { m_nlink = 2; }

ErrorOr<void> DevDirectory::add(RefPtr<DeviceNode> node)
{
    if (!m_nodes.append(kstd::move(node)))
        return err(kstd::ENOMEM);
    return {};
}

ErrorOr<RefPtr<Vnode>> DevDirectory::lookup(kstd::StringView name)
{
    if (name == "." || name == "..")
        return RefPtr<Vnode>(this); // '..' at a mount root is handled by the VFS
    for (auto& node : m_nodes)
        if (kstd::StringView(node->device().name) == name)
            return RefPtr<Vnode>(node);
    return err(kstd::ENOENT);
}

ErrorOr<void> DevDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", ino(), linux::DT_DIR, 2 }))
        return {};
    for (size_t i = cookie > 2 ? size_t(cookie - 2) : 0; i < m_nodes.size(); ++i)
        if (!emit(ctx, { m_nodes[i]->device().name, m_nodes[i]->ino(), linux::DT_CHR, i + 3 }))
            return {};
    return {};
}

} // namespace husk
