// Copy-up and whiteouts: how a change to a lower file lands in the upper
// layer, and how a deleted lower name stays deleted.
#include "../../kstd/Memory.h"
#include "../../kstd/Vector.h"
#include "OverlayFileSystem.h"
#include "OverlayVnode.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kChunk = 16 * 1024;
constexpr size_t kPage = 4096;

bool all_zero(const uint8_t* p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (p[i])
            return false;
    return true;
}

// Copies the first `size` bytes of from into to (already that long):
// zero pages stay holes, as the lower file's probably were.
ErrorOr<void> copy_data(Vnode& from, Vnode& to, uint64_t size)
{
    auto* buf = static_cast<uint8_t*>(kstd::kmalloc(kChunk));
    if (!buf)
        return err(ENOMEM);
    ErrorOr<void> result {};
    for (uint64_t at = 0; at < size;) {
        size_t want = size - at < kChunk ? size_t(size - at) : kChunk;
        auto got = from.read(at, IoBuffer::kernel(buf), want);
        if (got.is_error()) {
            result = got.error();
            break;
        }
        if (got.value() == 0)
            break;
        for (size_t p = 0; p < got.value(); p += kPage) {
            size_t n = got.value() - p < kPage ? got.value() - p : kPage;
            if (all_zero(buf + p, n))
                continue;
            auto put = to.write(at + p, IoBuffer::kernel(buf + p), n);
            if (put.is_error()) {
                result = put.error();
                break;
            }
        }
        if (result.is_error())
            break;
        at += got.value();
    }
    kstd::kfree(buf);
    return result;
}
} // namespace

ErrorOr<void> OverlayVnode::copy_up(uint64_t data_limit)
{
    if (m_upper)
        return {};
    if (m_removed)
        return err(ENOENT); // a deleted lower file, still open: nothing to copy it to
    if (!m_parent)
        return err(EIO); // only the root has no parent, and it always has an upper half
    TRY(m_parent->copy_up());
    RefPtr<Vnode> up = TRY(copy_up_into(*m_parent->m_upper, data_limit));
    if (auto r = overlay().set_origin(up->ino(), m_lower->ino()); r.is_error()) {
        if (is_directory())
            (void)m_parent->m_upper->rmdir(m_name.view());
        else
            (void)m_parent->m_upper->unlink(m_name.view());
        return r.error();
    }
    m_upper = kstd::move(up);
    m_parent->names_changed();
    if (!is_directory()) {
        // A file's copy is found through the upper directory from now on.
        m_lower.clear();
        m_parent.clear();
    }
    refresh();
    return {};
}

ErrorOr<RefPtr<Vnode>> OverlayVnode::copy_up_into(Vnode& dir, uint64_t data_limit)
{
    Vnode& low = *m_lower;
    StringView name = m_name.view();
    Credentials owner = Credentials::of(low.uid(), low.gid());
    RefPtr<Vnode> up;
    if (low.is_directory()) {
        up = TRY(dir.mkdir(name, low.mode() & 07777, owner));
    } else if (low.is_symlink()) {
        char target[linux::PATH_MAX];
        size_t n = TRY(low.readlink(target, sizeof target));
        up = TRY(dir.symlink(name, StringView(target, n), owner));
    } else {
        up = TRY(dir.create(name, low.mode(), owner, low.rdev()));
    }
    AttrChange change;
    change.mask = AttrChange::Mode | AttrChange::Uid | AttrChange::Gid | AttrChange::Atime | AttrChange::Mtime;
    change.mode = low.mode() & 07777;
    change.uid = low.uid();
    change.gid = low.gid();
    change.atime = low.atime();
    change.mtime = low.mtime();
    ErrorOr<void> result {};
    if (low.is_regular()) {
        uint64_t size = low.size() < data_limit ? low.size() : data_limit;
        change.mask |= AttrChange::Size;
        change.size = size;
        result = up->setattr(change);
        if (!result.is_error())
            result = copy_data(low, *up, size);
        // Writing the data moved mtime: the lower file's again.
        if (!result.is_error()) {
            change.mask = AttrChange::Mtime;
            result = up->setattr(change);
        }
    } else if (!low.is_symlink()) {
        result = up->setattr(change);
    }
    if (result.is_error()) {
        if (low.is_directory())
            (void)dir.rmdir(name);
        else
            (void)dir.unlink(name);
        return result.error();
    }
    return up;
}

bool OverlayVnode::lower_has(StringView name) { return m_lower && !m_lower->lookup(name).is_error(); }

ErrorOr<void> OverlayVnode::make_whiteout(StringView name)
{
    RefPtr<Vnode> whiteout = TRY(m_upper->create(name, linux::S_IFREG, Credentials(), 0));
    if (auto r = overlay().add_whiteout(whiteout->ino()); r.is_error()) {
        (void)m_upper->unlink(name);
        return r.error();
    }
    return {};
}

ErrorOr<bool> OverlayVnode::clear_whiteout(StringView name)
{
    auto found = m_upper->lookup(name);
    if (found.is_error() || !overlay().is_whiteout(found.value()->ino()))
        return false;
    TRY(m_upper->unlink(name));
    overlay().remove_whiteout(found.value()->ino());
    return true;
}

ErrorOr<void> OverlayVnode::purge_whiteouts()
{
    kstd::Vector<kstd::String> names;
    bool ok = true;
    struct Collect {
        OverlayFileSystem* fs;
        kstd::Vector<kstd::String>* names;
        bool* ok;
    } collect { &overlay(), &names, &ok };
    TRY(m_upper->readdir(2, [](void* c, const DirEntryView& e) {
        auto& collect = *static_cast<Collect*>(c);
        if (!collect.fs->is_whiteout(e.ino))
            return true;
        auto name = kstd::String::from(e.name);
        if (name.is_error() || !collect.names->append(name.release_value()))
            *collect.ok = false;
        return *collect.ok;
    }, &collect));
    if (!ok)
        return err(ENOMEM);
    for (auto& name : names)
        TRY(clear_whiteout(name.view()));
    return {};
}

ErrorOr<void> OverlayVnode::check_empty()
{
    bool empty = true;
    TRY(readdir(2, [](void* e, const DirEntryView&) {
        *static_cast<bool*>(e) = false;
        return false;
    }, &empty));
    if (!empty)
        return err(ENOTEMPTY);
    return {};
}

} // namespace husk
