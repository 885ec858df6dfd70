#include "OverlayVnode.h"
#include "../../vfs/File.h"
#include "OverlayFileSystem.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// Readdir cookies: the upper layer's own (ramfs counts from 2), then the
// lower layer's from here on.
constexpr uint64_t kLowerCookies = uint64_t(1) << 62;

bool is_dot(StringView name) { return name == "." || name == ".."; }
} // namespace

OverlayVnode::OverlayVnode(OverlayFileSystem& fs, uint64_t ino, RefPtr<Vnode> upper, RefPtr<Vnode> lower)
    : Vnode(fs, ino, (upper ? upper : lower)->mode()), m_upper(kstd::move(upper)), m_lower(kstd::move(lower))
{
}

OverlayFileSystem& OverlayVnode::overlay() const { return static_cast<OverlayFileSystem&>(fs()); }

ErrorOr<void> OverlayVnode::set_place(OverlayVnode* parent, StringView name)
{
    if (!is_directory() && m_upper)
        return {}; // an upper file is reached through its upper directory
    m_parent = RefPtr<OverlayVnode>(parent);
    if (!m_upper)
        m_name = TRY(kstd::String::from(name)); // where a copy-up puts it
    return {};
}

void OverlayVnode::refresh()
{
    Vnode& r = real();
    m_mode = r.mode();
    m_uid = r.uid();
    m_gid = r.gid();
    m_nlink = r.nlink();
    m_size = r.size();
    m_rdev = r.rdev();
    m_atime = r.atime();
    m_mtime = r.mtime();
    m_ctime = r.ctime();
    if (is_directory() && m_upper && m_lower) {
        uint32_t* known = overlay().lower_subdirectories(m_upper->ino());
        uint32_t n = known ? *known : lower_only_subdirectories();
        if (!known)
            overlay().keep_lower_subdirectories(m_upper->ino(), n);
        m_nlink += n;
    }
    if (m_removed)
        m_nlink = 0;
}

void OverlayVnode::names_changed()
{
    if (m_upper)
        overlay().forget_lower_subdirectories(m_upper->ino());
    refresh();
}

uint32_t OverlayVnode::lower_only_subdirectories()
{
    struct Count {
        OverlayVnode* self;
        uint32_t n;
    } count { this, 0 };
    (void)m_lower->readdir(0, [](void* c, const DirEntryView& e) {
        auto& count = *static_cast<Count*>(c);
        if (e.type == linux::DT_DIR && !is_dot(e.name) && count.self->m_upper->lookup(e.name).is_error())
            ++count.n;
        return true;
    }, &count);
    return count.n;
}

// --- names

ErrorOr<RefPtr<Vnode>> OverlayVnode::lookup(StringView name)
{
    if (name == ".")
        return RefPtr<Vnode>(this);
    if (name == "..")
        return m_parent ? RefPtr<Vnode>(m_parent) : RefPtr<Vnode>(this);
    if (!is_directory())
        return err(ENOTDIR);
    if (m_removed)
        return err(ENOENT);
    RefPtr<Vnode> up, low;
    if (m_upper) {
        auto found = m_upper->lookup(name);
        if (found.is_error() && found.error().code() != ENOENT)
            return found.error();
        if (!found.is_error())
            up = found.release_value();
        if (up && overlay().is_whiteout(up->ino()))
            return err(ENOENT);
    }
    if (m_lower && (!up || (up->is_directory() && overlay().has_origin(up->ino())))) {
        auto found = m_lower->lookup(name);
        if (found.is_error() && found.error().code() != ENOENT)
            return found.error();
        if (!found.is_error())
            low = found.release_value();
        if (up && low && !low->is_directory())
            low.clear();
    }
    if (!up && !low)
        return err(ENOENT);
    return RefPtr<Vnode>(TRY(overlay().vnode_for(kstd::move(up), kstd::move(low), this, name)));
}

ErrorOr<void> OverlayVnode::readdir(uint64_t cookie, DirEmit emit, void* ctx)
{
    if (m_removed)
        return {};
    if (cookie == 0 && !emit(ctx, { ".", ino(), linux::DT_DIR, 1 }))
        return {};
    if (cookie <= 1 && !emit(ctx, { "..", m_parent ? m_parent->ino() : ino(), linux::DT_DIR, 2 }))
        return {};
    struct Walk {
        OverlayVnode* self;
        DirEmit emit;
        void* ctx;
        bool stopped;
    } walk { this, emit, ctx, false };
    if (cookie < kLowerCookies && m_upper) {
        TRY(m_upper->readdir(cookie < 2 ? 2 : cookie, [](void* w, const DirEntryView& e) {
            auto& walk = *static_cast<Walk*>(w);
            if (is_dot(e.name))
                return true;
            if (walk.self->overlay().is_whiteout(e.ino))
                return true;
            DirEntryView shown = e;
            shown.ino = walk.self->overlay().ino_of_upper(e.ino);
            walk.stopped = !walk.emit(walk.ctx, shown);
            return !walk.stopped;
        }, &walk));
        if (walk.stopped)
            return {};
    }
    if (!m_lower)
        return {};
    uint64_t from = cookie < kLowerCookies ? 0 : cookie - kLowerCookies;
    return m_lower->readdir(from, [](void* w, const DirEntryView& e) {
        auto& walk = *static_cast<Walk*>(w);
        if (is_dot(e.name))
            return true;
        if (walk.self->m_upper && !walk.self->m_upper->lookup(e.name).is_error())
            return true; // the upper layer has it (listed above) or a whiteout hides it
        DirEntryView shown = e;
        shown.next_cookie = kLowerCookies + e.next_cookie;
        return walk.emit(walk.ctx, shown);
    }, &walk);
}

// --- data

ErrorOr<size_t> OverlayVnode::read(uint64_t offset, IoBuffer buf, size_t n) { return real().read(offset, buf, n); }

ErrorOr<size_t> OverlayVnode::write(uint64_t offset, IoBuffer buf, size_t n)
{
    TRY(copy_up());
    auto written = m_upper->write(offset, buf, n);
    refresh();
    return written;
}

ErrorOr<size_t> OverlayVnode::readlink(char* buf, size_t size) { return real().readlink(buf, size); }
ErrorOr<uint64_t> OverlayVnode::seek_data(uint64_t offset, bool want_hole) { return real().seek_data(offset, want_hole); }
ErrorOr<void> OverlayVnode::sync() { return m_upper ? m_upper->sync() : ErrorOr<void>(); }

ErrorOr<RefPtr<File>> OverlayVnode::open_device(int flags)
{
    // Linux's overlayfs copies up at open for writing, so the file
    // description writes the copy from the start.
    if (is_regular() && (flags & linux::O_ACCMODE) != linux::O_RDONLY)
        TRY(copy_up());
    return real().open_device(flags);
}

// --- metadata

ErrorOr<void> OverlayVnode::truncate(uint64_t size)
{
    TRY(copy_up(size)); // only the bytes that stay are copied
    AttrChange change;
    change.mask = AttrChange::Size;
    change.size = size;
    auto r = m_upper->setattr(change);
    refresh();
    return r;
}

ErrorOr<void> OverlayVnode::write_metadata()
{
    // The VFS has set the new values here (Vnode::setattr): the copy takes them all.
    AttrChange change;
    change.mask = AttrChange::Mode | AttrChange::Uid | AttrChange::Gid | AttrChange::Atime | AttrChange::Mtime | AttrChange::Ctime;
    change.mode = m_mode & 07777;
    change.uid = m_uid;
    change.gid = m_gid;
    change.atime = m_atime;
    change.mtime = m_mtime;
    change.ctime = m_ctime;
    if (auto r = copy_up(); r.is_error()) {
        refresh(); // unchanged
        return r;
    }
    auto r = m_upper->setattr(change);
    refresh();
    return r;
}

} // namespace husk
