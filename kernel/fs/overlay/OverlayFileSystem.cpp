#include "OverlayFileSystem.h"
#include "../../core/Log.h"
#include "OverlayVnode.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// Linux's OVERLAYFS_SUPER_MAGIC.
constexpr long kOverlayMagic = 0x794c7630;
// Upper-only objects are numbered above every 32-bit ext2 inode number.
constexpr uint64_t kUpperInoBase = uint64_t(1) << 32;
} // namespace

ErrorOr<OverlayFileSystem*> OverlayFileSystem::create(FileSystem* lower, FileSystem* upper)
{
    auto* fs = new OverlayFileSystem(lower, upper);
    if (!fs) {
        delete lower;
        delete upper;
        return err(ENOMEM);
    }
    RefPtr<Vnode> up = upper->root(), low = lower->root();
    if (!up || !low || !up->is_directory() || !low->is_directory()) {
        delete fs;
        return err(EINVAL);
    }
    if (auto r = fs->set_origin(up->ino(), low->ino()); r.is_error()) {
        delete fs;
        return r.error();
    }
    auto root = kstd::adopt_new<OverlayVnode>(*fs, low->ino(), up, low);
    if (!root || fs->vnode_cache().insert(*root).is_error()) {
        delete fs;
        return err(ENOMEM);
    }
    root->refresh();
    fs->m_root = RefPtr<Vnode>(root);
    return fs;
}

ErrorOr<FileSystem*> OverlayFileSystem::create_by_name(StringView source, unsigned long flags, StringView)
{
    const FileSystemType* ext2 = FileSystemTypes::find("ext2");
    const FileSystemType* tmpfs = FileSystemTypes::find("tmpfs");
    if (!ext2 || !tmpfs)
        return err(ENODEV);
    FileSystem* lower = TRY(ext2->create(source, linux::MS_RDONLY, {}));
    auto upper = tmpfs->create("overlay", flags & linux::MS_RDONLY, {});
    if (upper.is_error()) {
        delete lower;
        return upper.error();
    }
    return TRY(create(lower, upper.value()));
}

void OverlayFileSystem::register_type() { FileSystemTypes::add({ "overlay", create_by_name }); }

OverlayFileSystem::~OverlayFileSystem()
{
    m_root.clear(); // the last overlay vnode: it refers to both layers
    delete m_upper;
    delete m_lower;
}

RefPtr<Vnode> OverlayFileSystem::root() { return m_root; }

void OverlayFileSystem::statfs(linux::statfs& out)
{
    // Linux's overlayfs reports its upper layer's space under its own magic.
    m_upper->statfs(out);
    out.f_type = kOverlayMagic;
    out.f_fsid[0] = int32_t(device_id());
    out.f_fsid[1] = 0;
    out.f_flags = is_read_only() ? linux::MS_RDONLY : 0;
}

uint64_t OverlayFileSystem::ino_of_upper(uint64_t upper_ino)
{
    uint64_t* origin = m_origin.get(upper_ino);
    return origin ? *origin : kUpperInoBase + upper_ino;
}

ErrorOr<void> OverlayFileSystem::set_origin(uint64_t upper_ino, uint64_t lower_ino)
{
    if (!m_origin.set(upper_ino, lower_ino))
        return err(ENOMEM);
    return {};
}

ErrorOr<void> OverlayFileSystem::add_whiteout(uint64_t upper_ino)
{
    if (!m_whiteouts.set(upper_ino, true))
        return err(ENOMEM);
    return {};
}

ErrorOr<RefPtr<OverlayVnode>> OverlayFileSystem::vnode_for(RefPtr<Vnode> upper, RefPtr<Vnode> lower, OverlayVnode* parent,
                                                           StringView name)
{
    uint64_t ino = upper ? ino_of_upper(upper->ino()) : lower->ino();
    if (RefPtr<Vnode> cached = vnode_cache().find(ino)) {
        RefPtr<OverlayVnode> o(static_cast<OverlayVnode*>(cached.ptr()));
        // The same layers: the same file. Not so for another name of a
        // lower file whose first name was copied up (hard links of the
        // lower layer part at copy-up, as in Linux's without index=on):
        // that name gets its own vnode, which takes over the cache entry.
        if (o->m_upper == upper)
            return o;
    }
    auto v = kstd::adopt_new<OverlayVnode>(*this, ino, kstd::move(upper), kstd::move(lower));
    if (!v)
        return err(ENOMEM);
    TRY(v->set_place(parent, name));
    TRY(vnode_cache().insert(*v));
    v->refresh();
    return v;
}

} // namespace husk
