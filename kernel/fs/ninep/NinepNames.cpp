// A 9P directory's names: what the guest makes, links, removes and renames
// is done by the server (Tlcreate, Tmknod, Tmkdir, Tsymlink, Tlink,
// Tunlinkat, Trenameat), then the nodes involved read back their
// attributes (link counts, times) from it.
#include "NinepNode.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ninep;
using kstd::StringView;

namespace {
// Linux's dev_t (new_encode_dev) and the major/minor pair 9P carries.
uint32_t major_of(uint64_t dev) { return uint32_t(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull)); }
uint32_t minor_of(uint64_t dev) { return uint32_t((dev & 0xff) | ((dev >> 12) & ~0xffull)); }
} // namespace

RefPtr<NinepNode> NinepNode::cached_child(StringView name)
{
    Qid qid;
    auto fid = walk(name, &qid);
    if (fid.is_error())
        return nullptr;
    client().clunk(fid.value());
    RefPtr<Vnode> v = fs().vnode_cache().find(qid.path);
    return v ? RefPtr<NinepNode>(static_cast<NinepNode*>(v.ptr())) : nullptr;
}

ErrorOr<RefPtr<NinepNode>> NinepNode::made(StringView name, const Qid& qid, const Credentials& who)
{
    (void)refresh(); // the directory's times and link count
    Qid walked;
    uint32_t fid = TRY(walk(name, &walked));
    RefPtr<NinepNode> node = TRY(p9().node_for(fid, walked));
    (void)qid;
    if (node->is_directory())
        node->m_parent = *this;
    // The server made it as the attaching user (root); the creator owns it.
    if (node->uid() != who.euid) {
        Writer t(Tsetattr, 0, kHeader + 60);
        t.u32(node->m_fid).u32(SetUid).u32(0).u32(who.euid).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0);
        TRY(client().call(t));
        TRY(node->refresh());
    }
    return node;
}

ErrorOr<RefPtr<Vnode>> NinepNode::create(StringView name, uint32_t mode, const Credentials& who, uint64_t rdev)
{
    if (!is_directory())
        return err(ENOTDIR);
    if (linux::is_reg(mode)) {
        // Tlcreate opens the new file on a clone of this directory's fid:
        // that fid becomes the file's open one.
        uint32_t open = TRY(walk("", nullptr));
        Writer t(Tlcreate, 0, kHeader + 22 + name.length());
        t.u32(open).string(name).u32(uint32_t(linux::O_RDWR | linux::O_CREAT | linux::O_EXCL)).u32(mode & 07777).u32(who.egid);
        auto r = client().call(t, 64);
        if (r.is_error()) {
            client().clunk(open);
            return r.error();
        }
        Qid qid = r.value().reader.qid();
        auto node = made(name, qid, who);
        if (node.is_error()) {
            client().clunk(open);
            return node.error();
        }
        node.value()->adopt_open_fid(open, true);
        return RefPtr<Vnode>(node.release_value());
    }
    Writer t(Tmknod, 0, kHeader + 26 + name.length());
    t.u32(m_fid).string(name).u32(mode).u32(major_of(rdev)).u32(minor_of(rdev)).u32(who.egid);
    Reply r = TRY(client().call(t, 64));
    return RefPtr<Vnode>(TRY(made(name, r.reader.qid(), who)));
}

ErrorOr<RefPtr<Vnode>> NinepNode::mkdir(StringView name, uint32_t mode, const Credentials& who)
{
    if (!is_directory())
        return err(ENOTDIR);
    Writer t(Tmkdir, 0, kHeader + 14 + name.length());
    t.u32(m_fid).string(name).u32(mode & 07777).u32(who.egid);
    Reply r = TRY(client().call(t, 64));
    return RefPtr<Vnode>(TRY(made(name, r.reader.qid(), who)));
}

ErrorOr<RefPtr<Vnode>> NinepNode::symlink(StringView name, StringView target, const Credentials& who)
{
    if (!is_directory())
        return err(ENOTDIR);
    Writer t(Tsymlink, 0, kHeader + 12 + name.length() + target.length());
    t.u32(m_fid).string(name).string(target).u32(who.egid);
    Reply r = TRY(client().call(t, 64));
    return RefPtr<Vnode>(TRY(made(name, r.reader.qid(), who)));
}

ErrorOr<void> NinepNode::link(StringView name, Vnode& target)
{
    auto& other = static_cast<NinepNode&>(target);
    Writer t(Tlink, 0, kHeader + 10 + name.length());
    t.u32(m_fid).u32(other.m_fid).string(name);
    TRY(client().call(t));
    (void)other.refresh();
    (void)refresh();
    return {};
}

ErrorOr<void> NinepNode::unlink(StringView name)
{
    RefPtr<NinepNode> victim = cached_child(name);
    Writer t(Tunlinkat, 0, kHeader + 10 + name.length());
    t.u32(m_fid).string(name).u32(0);
    TRY(client().call(t));
    (void)refresh();
    if (victim && victim->refresh().is_error())
        count_link(*victim, -1); // its last name, and not open: gone
    return {};
}

ErrorOr<void> NinepNode::rmdir(StringView name)
{
    RefPtr<NinepNode> victim = cached_child(name);
    Writer t(Tunlinkat, 0, kHeader + 10 + name.length());
    t.u32(m_fid).string(name).u32(uint32_t(linux::AT_REMOVEDIR));
    TRY(client().call(t));
    (void)refresh();
    if (victim) {
        victim->m_nlink = 0; // a removed directory lists nothing and takes no names
        mark_changed(*victim);
    }
    return {};
}

ErrorOr<void> NinepNode::rename(StringView old_name, Vnode& new_dir, StringView new_name)
{
    auto& to = static_cast<NinepNode&>(new_dir);
    RefPtr<NinepNode> moved = cached_child(old_name);
    RefPtr<NinepNode> replaced = to.cached_child(new_name);
    Writer t(Trenameat, 0, kHeader + 12 + old_name.length() + new_name.length());
    t.u32(m_fid).string(old_name).u32(to.m_fid).string(new_name);
    TRY(client().call(t));
    (void)refresh();
    if (&to != this)
        (void)to.refresh();
    if (moved) {
        (void)moved->refresh();
        if (moved->is_directory())
            moved->m_parent = to;
    }
    if (replaced && replaced != moved && replaced->refresh().is_error()) {
        if (replaced->is_directory())
            replaced->m_nlink = 0;
        else
            count_link(*replaced, -1);
    }
    return {};
}

} // namespace husk
