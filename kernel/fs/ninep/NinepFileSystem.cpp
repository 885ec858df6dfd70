#include "NinepFileSystem.h"
#include "../../core/Log.h"
#include "NinepNode.h"

namespace husk {

using namespace kstd::errno_values;
using namespace ninep;

namespace {
constexpr long kV9fsMagic = 0x01021997; // Linux's V9FS_MAGIC
}

void NinepFileSystem::register_type() { FileSystemTypes::add({ "9p", create }); }

ErrorOr<FileSystem*> NinepFileSystem::create(kstd::StringView source, unsigned long flags, kstd::StringView)
{
    Client* client = TRY(Client::connect(source));
    auto* fs = new NinepFileSystem(client);
    if (!fs) {
        delete client;
        return err(ENOMEM);
    }
    if (flags & linux::MS_RDONLY)
        fs->set_read_only(true);
    // Tattach as root (uid 0): the guest's own checks decide who may do
    // what; the server acts with its own rights (security_model=none).
    uint32_t fid = client->new_fid();
    Writer t(Tattach, 0, 64);
    t.u32(fid).u32(kNoFid).string("root").string("").u32(0);
    auto attached = client->call(t, 64);
    if (attached.is_error()) {
        klog(LogLevel::Error, "9p: %s: attach failed: %s", client->tag(), kstd::errno_name(attached.error().code()));
        delete fs;
        return attached.error();
    }
    Qid qid = attached.value().reader.qid();
    auto root = fs->node_for(fid, qid);
    if (root.is_error()) {
        delete fs;
        return root.error();
    }
    if (!root.value()->is_directory()) {
        klog(LogLevel::Error, "9p: %s: the shared path is not a directory", client->tag());
        delete fs;
        return err(ENOTDIR);
    }
    fs->m_root = root.release_value();
    klog(LogLevel::Info, "9p: %s attached (msize %u%s)", client->tag(), client->msize(), fs->is_read_only() ? ", read-only" : "");
    return fs;
}

NinepFileSystem::NinepFileSystem(Client* client) : m_client(client) {}

NinepFileSystem::~NinepFileSystem()
{
    m_root.clear(); // clunks its fids while the client lives
    delete m_client;
}

RefPtr<Vnode> NinepFileSystem::root() { return m_root; }

ErrorOr<RefPtr<NinepNode>> NinepFileSystem::node_for(uint32_t fid, const Qid& qid)
{
    Writer t(Tgetattr, 0, kHeader + 12);
    t.u32(fid).u64(kGetattrBasic);
    auto reply = m_client->call(t, 256);
    if (reply.is_error()) {
        m_client->clunk(fid);
        return reply.error();
    }
    Attr a = read_attr(reply.value().reader);
    if (!reply.value().reader.ok()) {
        m_client->clunk(fid);
        return err(EIO);
    }
    // The live node of the file, unless the host reused its inode number
    // for a file of another type since (the old one was removed there).
    if (RefPtr<Vnode> cached = vnode_cache().find(qid.path)) {
        if ((cached->mode() & linux::S_IFMT) == (a.mode & linux::S_IFMT)) {
            RefPtr<NinepNode> node(static_cast<NinepNode*>(cached.ptr()));
            node->replace_fid(fid);
            node->set_attributes(a);
            return node;
        }
        vnode_cache().remove(*cached);
    }
    auto node = kstd::adopt_new<NinepNode>(*this, qid.path, a.mode, fid);
    if (!node) {
        m_client->clunk(fid);
        return err(ENOMEM);
    }
    node->set_attributes(a);
    TRY(vnode_cache().insert(*node));
    return node;
}

void NinepFileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = kV9fsMagic;
    out.f_namelen = linux::NAME_MAX;
    out.f_flags = is_read_only() ? linux::MS_RDONLY : 0;
    out.f_fsid[0] = int32_t(device_id());
    if (!m_root)
        return;
    Writer t(Tstatfs, 0, kHeader + 4);
    t.u32(m_root->fid());
    auto reply = m_client->call(t, 128);
    if (reply.is_error())
        return; // statfs cannot fail here: the counts stay 0
    StatFs s = read_statfs(reply.value().reader);
    if (!reply.value().reader.ok())
        return;
    out.f_bsize = out.f_frsize = s.bsize;
    out.f_blocks = s.blocks;
    out.f_bfree = s.bfree;
    out.f_bavail = s.bavail;
    out.f_files = s.files;
    out.f_ffree = s.ffree;
    if (s.namelen)
        out.f_namelen = s.namelen;
}

} // namespace husk
