#include "ProcDirectory.h"

namespace husk {

ProcDirectory::ProcDirectory(FileSystem& fs, uint64_t ino) : Vnode(fs, ino, linux::S_IFDIR | 0555) { m_nlink = 2; }

ErrorOr<void> ProcDirectory::add(const char* name, RefPtr<Vnode> node)
{
    if (node->is_directory()) {
        static_cast<ProcDirectory&>(*node).m_parent = this;
        ++m_nlink;
    }
    if (!m_entries.append(Entry { name, kstd::move(node) }))
        return err(kstd::ENOMEM);
    return {};
}

ErrorOr<void> ProcDirectory::filled()
{
    if (!m_fill)
        return {};
    DirectoryFill fill = m_fill;
    m_fill = nullptr;
    return fill(*this);
}

ErrorOr<RefPtr<Vnode>> ProcDirectory::lookup(kstd::StringView name)
{
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..")
        return RefPtr<Vnode>(m_parent ? m_parent : this); // the mount root's '..' is the VFS's
    TRY(filled());
    for (auto& e : m_entries)
        if (kstd::StringView(e.name) == name)
            return e.node;
    return err(kstd::ENOENT);
}

ErrorOr<void> ProcDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    TRY(filled());
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", m_parent ? m_parent->ino() : ino(), linux::DT_DIR, 2 }))
        return {};
    for (size_t i = cookie > 2 ? size_t(cookie - 2) : 0; i < m_entries.size(); ++i) {
        uint8_t type = m_entries[i].node->is_directory() ? linux::DT_DIR : linux::DT_REG;
        if (!emit(ctx, { m_entries[i].name, m_entries[i].node->ino(), type, i + 3 }))
            return {};
    }
    return {};
}

} // namespace husk
