#include "DevDirectory.h"

namespace husk {

DevDirectory::DevDirectory(FileSystem& fs, uint64_t ino, DevDirectory* parent)
    : Vnode(fs, ino, linux::S_IFDIR | 0755), m_parent(parent)
{
    m_nlink = 2;
}

ErrorOr<void> DevDirectory::add(RefPtr<DeviceNode> node)
{
    if (!m_nodes.append(kstd::move(node)))
        return err(kstd::ENOMEM);
    return {};
}

ErrorOr<void> DevDirectory::add_directory(const char* name, RefPtr<DevDirectory> dir)
{
    if (!m_dirs.append(Subdirectory { name, kstd::move(dir) }))
        return err(kstd::ENOMEM);
    ++m_nlink; // its '..'
    return {};
}

ErrorOr<RefPtr<Vnode>> DevDirectory::lookup(kstd::StringView name)
{
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..")
        return RefPtr<Vnode>(m_parent ? m_parent : this); // '..' at a mount root is handled by the VFS
    for (auto& node : m_nodes)
        if (kstd::StringView(node->device().name) == name)
            return RefPtr<Vnode>(node);
    for (auto& d : m_dirs)
        if (kstd::StringView(d.name) == name)
            return RefPtr<Vnode>(d.dir);
    return err(kstd::ENOENT);
}

ErrorOr<void> DevDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", m_parent ? m_parent->ino() : ino(), linux::DT_DIR, 2 }))
        return {};
    // Cookies: 3.. the device nodes, then the directories.
    size_t first = cookie > 2 ? size_t(cookie - 2) : 0;
    for (size_t i = first; i < m_nodes.size() + m_dirs.size(); ++i) {
        bool node = i < m_nodes.size();
        DirEntryView e = node ? DirEntryView { m_nodes[i]->device().name, m_nodes[i]->ino(), linux::DT_CHR, i + 3 }
                              : DirEntryView { m_dirs[i - m_nodes.size()].name, m_dirs[i - m_nodes.size()].dir->ino(),
                                               linux::DT_DIR, i + 3 };
        if (!emit(ctx, e))
            return {};
    }
    return {};
}

} // namespace husk
