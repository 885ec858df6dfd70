#include "DevDirectory.h"
#include "../../kstd/String.h"

namespace husk {

namespace {
// A socket's name in /dev: an inode of type socket, which the AF_UNIX
// socket bound to it finds by its (file system, inode number).
class DevSocketNode final : public Vnode {
public:
    DevSocketNode(FileSystem& fs, uint64_t ino, uint32_t mode, const Credentials& who, kstd::String name)
        : Vnode(fs, ino, mode), m_name(kstd::move(name))
    {
        m_uid = who.euid;
        m_gid = who.egid;
    }
    kstd::StringView name() const { return m_name.view(); }

private:
    kstd::String m_name;
};

DevSocketNode& as_socket(const RefPtr<Vnode>& v) { return static_cast<DevSocketNode&>(*v); }
uint64_t g_next_socket_ino = 1u << 20; // past the devices and directories
} // namespace

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

bool DevDirectory::fill_on_first_use(DirectoryFill fill)
{
    m_fill = fill;
    return true;
}

ErrorOr<void> DevDirectory::filled()
{
    if (!m_fill)
        return {};
    DirectoryFill fill = m_fill;
    m_fill = nullptr; // the fill binds here
    return fill(*this);
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
    TRY(filled()); // not a device: perhaps a socket the fill makes
    for (auto& s : m_sockets)
        if (as_socket(s).name() == name)
            return s;
    return err(kstd::ENOENT);
}

ErrorOr<RefPtr<Vnode>> DevDirectory::create(kstd::StringView name, uint32_t mode, const Credentials& who, uint64_t)
{
    if (!linux::is_sock(mode))
        return err(kstd::EPERM);
    if (!lookup(name).is_error())
        return err(kstd::EEXIST);
    kstd::String copy = TRY(kstd::String::from(name));
    auto node = kstd::adopt_new<DevSocketNode>(fs(), g_next_socket_ino++, mode, who, kstd::move(copy));
    if (!node)
        return err(kstd::ENOMEM);
    RefPtr<Vnode> v(node.ptr());
    if (!m_sockets.append(v))
        return err(kstd::ENOMEM);
    return v;
}

ErrorOr<void> DevDirectory::unlink(kstd::StringView name)
{
    TRY(filled());
    for (size_t i = 0; i < m_sockets.size(); ++i) {
        if (as_socket(m_sockets[i]).name() == name) {
            m_sockets.remove(i);
            return {};
        }
    }
    return err(lookup(name).is_error() ? kstd::ENOENT : kstd::EPERM);
}

ErrorOr<void> DevDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    TRY(filled());
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", m_parent ? m_parent->ino() : ino(), linux::DT_DIR, 2 }))
        return {};
    // Cookies: 3.. the device nodes, then the directories.
    size_t first = cookie > 2 ? size_t(cookie - 2) : 0;
    size_t fixed = m_nodes.size() + m_dirs.size();
    for (size_t i = first; i < fixed + m_sockets.size(); ++i) {
        bool node = i < m_nodes.size();
        DirEntryView e;
        if (i >= fixed) {
            e = DirEntryView { as_socket(m_sockets[i - fixed]).name(), m_sockets[i - fixed]->ino(), linux::DT_SOCK, i + 3 };
        } else {
            e = node ? DirEntryView { m_nodes[i]->device().name, m_nodes[i]->ino(), linux::DT_CHR, i + 3 }
                     : DirEntryView { m_dirs[i - m_nodes.size()].name, m_dirs[i - m_nodes.size()].dir->ino(),
                                      linux::DT_DIR, i + 3 };
        }
        if (!emit(ctx, e))
            return {};
    }
    return {};
}

} // namespace husk
