#include "RamfsDirectory.h"
#include "RamfsFile.h"
#include "RamfsFileSystem.h"
#include "RamfsSymlink.h"

namespace husk {

using namespace kstd::errno_values;

RamfsDirectory::RamfsDirectory(RamfsFileSystem& fs, uint64_t ino, uint32_t mode) : Vnode(fs, ino, mode)
{
    m_nlink = 2;
    m_size = 4096;
}

ErrorOr<RefPtr<RamfsDirectory>> RamfsDirectory::create(RamfsFileSystem& fs, uint32_t mode, const Credentials& who, RamfsDirectory* parent)
{
    auto dir = kstd::adopt_new<RamfsDirectory>(fs, fs.allocate_ino(), linux::S_IFDIR | (mode & 07777));
    if (!dir)
        return err(ENOMEM);
    dir->m_uid = who.euid;
    dir->m_gid = who.egid;
    dir->m_parent = parent ? parent : dir.ptr();
    return dir;
}

RamfsDirectory::~RamfsDirectory()
{
    while (Entry* e = m_entries.take_first())
        kstd::destroy(e);
}

RamfsFileSystem& RamfsDirectory::ramfs() { return static_cast<RamfsFileSystem&>(fs()); }

RamfsDirectory::Entry* RamfsDirectory::find(StringView name)
{
    Entry** e = m_index.get(name);
    return e ? *e : nullptr;
}

void RamfsDirectory::touch()
{
    m_mtime = m_ctime = Timestamp::now();
}

bool RamfsDirectory::fill_on_first_use(DirectoryFill fill)
{
    m_fill = fill;
    return true;
}

// Makes the entries fill_on_first_use put off, keeping the directory's
// times: to a program it is as if they were made when it was.
ErrorOr<void> RamfsDirectory::filled()
{
    if (!m_fill)
        return {};
    DirectoryFill fill = m_fill;
    m_fill = nullptr; // the fill itself looks up and creates here
    Timestamp mtime = m_mtime, ctime = m_ctime;
    auto r = fill(*this);
    m_mtime = mtime;
    m_ctime = ctime;
    return r;
}

ErrorOr<RamfsDirectory::Entry*> RamfsDirectory::new_entry(StringView name, RefPtr<Vnode> node)
{
    auto* e = kstd::make<Entry>();
    if (!e)
        return err(ENOMEM);
    auto copy = kstd::String::from(name);
    if (copy.is_error()) {
        kstd::destroy(e);
        return copy.error();
    }
    e->name = copy.release_value();
    e->node = kstd::move(node);
    return e;
}

ErrorOr<void> RamfsDirectory::insert(Entry* e)
{
    if (!m_index.set(e->name.view(), e)) {
        kstd::destroy(e);
        return err(ENOMEM);
    }
    e->cookie = m_next_cookie++;
    m_entries.append(*e);
    touch();
    return {};
}

void RamfsDirectory::remove(Entry* e)
{
    m_index.remove(e->name.view());
    decltype(m_entries)::remove(*e);
    kstd::destroy(e);
    touch();
}

void RamfsDirectory::detach_from_parent()
{
    // A removed directory is empty forever, but '..' still leads to where
    // it was (a process may still stand inside it).
    m_removed_parent = RefPtr<Vnode>(m_parent);
    m_parent = nullptr;
    m_nlink = 0;
    m_ctime = Timestamp::now();
}

ErrorOr<RefPtr<Vnode>> RamfsDirectory::lookup(StringView name)
{
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..")
        return m_parent ? RefPtr<Vnode>(m_parent) : m_removed_parent;
    TRY(filled());
    if (!m_parent)
        return err(ENOENT);
    Entry* e = find(name);
    if (!e)
        return err(ENOENT);
    return e->node;
}

ErrorOr<RefPtr<Vnode>> RamfsDirectory::create(StringView name, uint32_t mode, const Credentials& who, uint64_t)
{
    TRY(filled());
    if (!m_parent)
        return err(ENOENT);
    if (find(name))
        return err(EEXIST);
    // A regular file or a socket's name (the VFS lets no other type here).
    auto file = kstd::adopt_new<RamfsFile>(ramfs(), ramfs().allocate_ino(), mode, who);
    if (!file)
        return err(ENOMEM);
    TRY(insert(TRY(new_entry(name, file))));
    return RefPtr<Vnode>(file);
}

ErrorOr<RefPtr<Vnode>> RamfsDirectory::mkdir(StringView name, uint32_t mode, const Credentials& who)
{
    TRY(filled());
    if (!m_parent)
        return err(ENOENT);
    if (find(name))
        return err(EEXIST);
    RefPtr<RamfsDirectory> dir = TRY(RamfsDirectory::create(ramfs(), mode, who, this));
    TRY(insert(TRY(new_entry(name, dir))));
    ++m_nlink;
    return RefPtr<Vnode>(dir);
}

ErrorOr<RefPtr<Vnode>> RamfsDirectory::symlink(StringView name, StringView target, const Credentials& who)
{
    TRY(filled());
    if (!m_parent)
        return err(ENOENT);
    if (find(name))
        return err(EEXIST);
    RefPtr<Vnode> link = TRY(RamfsSymlink::create(ramfs(), target, who));
    TRY(insert(TRY(new_entry(name, link))));
    return link;
}

ErrorOr<void> RamfsDirectory::link(StringView name, Vnode& target)
{
    TRY(filled());
    if (!m_parent)
        return err(ENOENT);
    if (find(name))
        return err(EEXIST);
    TRY(insert(TRY(new_entry(name, RefPtr<Vnode>(target)))));
    count_link(target, +1);
    return {};
}

ErrorOr<void> RamfsDirectory::unlink(StringView name)
{
    TRY(filled());
    Entry* e = find(name);
    if (!e)
        return err(ENOENT);
    if (e->node->is_directory())
        return err(EISDIR);
    count_link(*e->node, -1);
    remove(e);
    return {};
}

ErrorOr<void> RamfsDirectory::rmdir(StringView name)
{
    TRY(filled());
    Entry* e = find(name);
    if (!e)
        return err(ENOENT);
    if (!e->node->is_directory())
        return err(ENOTDIR);
    auto& dir = static_cast<RamfsDirectory&>(*e->node);
    if (!dir.is_empty())
        return err(ENOTEMPTY);
    dir.detach_from_parent();
    --m_nlink;
    remove(e);
    return {};
}

ErrorOr<void> RamfsDirectory::rename(StringView old_name, Vnode& new_dir_vnode, StringView new_name)
{
    auto& new_dir = static_cast<RamfsDirectory&>(new_dir_vnode);
    TRY(filled());
    TRY(new_dir.filled());
    if (!m_parent || !new_dir.m_parent)
        return err(ENOENT);
    Entry* source = find(old_name);
    if (!source)
        return err(ENOENT);
    RefPtr<Vnode> node = source->node;
    Entry* existing = new_dir.find(new_name);
    if (existing && existing->node == node)
        return {}; // both names are links to one inode: nothing to do
    if (existing && existing->node->is_directory() && !static_cast<RamfsDirectory&>(*existing->node).is_empty())
        return err(ENOTEMPTY);
    // Allocate first so a failure changes nothing.
    Entry* moved = TRY(new_entry(new_name, node));
    if (existing) {
        Vnode& victim = *existing->node;
        if (victim.is_directory()) {
            auto& victim_dir = static_cast<RamfsDirectory&>(victim);
            victim_dir.detach_from_parent();
            --new_dir.m_nlink;
        } else {
            count_link(victim, -1);
        }
        new_dir.remove(existing);
    }
    remove(source);
    if (auto r = new_dir.insert(moved); r.is_error())
        return r.error();
    if (node->is_directory()) {
        --m_nlink;
        ++new_dir.m_nlink;
        static_cast<RamfsDirectory&>(*node).m_parent = &new_dir;
    }
    mark_changed(*node);
    return {};
}

ErrorOr<void> RamfsDirectory::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    TRY(filled());
    if (!m_parent)
        return {}; // removed: no entries, not even . and ..
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", m_parent->ino(), linux::DT_DIR, 2 }))
        return {};
    for (auto& e : m_entries) {
        if (e.cookie < cookie)
            continue;
        if (!emit(ctx, { e.name.view(), e.node->ino(), linux::dtype_of(e.node->mode()), e.cookie + 1 }))
            return {};
    }
    return {};
}

} // namespace husk
