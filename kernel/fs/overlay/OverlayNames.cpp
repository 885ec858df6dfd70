// Operations on names in a merged directory. New names go to the upper
// directory (copied up first); a lower name that goes leaves a whiteout.
#include "OverlayFileSystem.h"
#include "OverlayVnode.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<RefPtr<Vnode>> OverlayVnode::wrap_new(StringView name, RefPtr<Vnode> upper)
{
    names_changed();
    return RefPtr<Vnode>(TRY(overlay().vnode_for(kstd::move(upper), nullptr, this, name)));
}

ErrorOr<RefPtr<Vnode>> OverlayVnode::create(StringView name, uint32_t mode, const Credentials& who, uint64_t rdev)
{
    TRY(copy_up());
    bool whiteout = TRY(clear_whiteout(name));
    auto made = m_upper->create(name, mode, who, rdev);
    if (made.is_error()) {
        if (whiteout)
            (void)make_whiteout(name);
        return made.error();
    }
    return wrap_new(name, made.release_value());
}

ErrorOr<RefPtr<Vnode>> OverlayVnode::mkdir(StringView name, uint32_t mode, const Credentials& who)
{
    TRY(copy_up());
    bool whiteout = TRY(clear_whiteout(name));
    // No origin: the new directory is opaque to whatever the lower layer had here.
    auto made = m_upper->mkdir(name, mode, who);
    if (made.is_error()) {
        if (whiteout)
            (void)make_whiteout(name);
        return made.error();
    }
    return wrap_new(name, made.release_value());
}

ErrorOr<RefPtr<Vnode>> OverlayVnode::symlink(StringView name, StringView target, const Credentials& who)
{
    TRY(copy_up());
    bool whiteout = TRY(clear_whiteout(name));
    auto made = m_upper->symlink(name, target, who);
    if (made.is_error()) {
        if (whiteout)
            (void)make_whiteout(name);
        return made.error();
    }
    return wrap_new(name, made.release_value());
}

ErrorOr<void> OverlayVnode::link(StringView name, Vnode& target_vnode)
{
    auto& target = static_cast<OverlayVnode&>(target_vnode);
    TRY(target.copy_up()); // the new name links the copy, as Linux's overlayfs does
    TRY(copy_up());
    bool whiteout = TRY(clear_whiteout(name));
    auto linked = m_upper->link(name, *target.m_upper);
    if (linked.is_error() && whiteout)
        (void)make_whiteout(name);
    target.refresh();
    names_changed();
    return linked;
}

ErrorOr<void> OverlayVnode::unlink(StringView name)
{
    RefPtr<Vnode> found = TRY(lookup(name));
    auto& child = static_cast<OverlayVnode&>(*found);
    if (child.is_directory())
        return err(EISDIR);
    bool in_lower = lower_has(name);
    TRY(copy_up());
    if (child.m_upper)
        TRY(m_upper->unlink(name));
    if (in_lower)
        TRY(make_whiteout(name));
    if (!child.m_upper)
        child.m_removed = true;
    child.refresh();
    names_changed();
    return {};
}

ErrorOr<void> OverlayVnode::rmdir(StringView name)
{
    RefPtr<Vnode> found = TRY(lookup(name));
    auto& child = static_cast<OverlayVnode&>(*found);
    if (!child.is_directory())
        return err(ENOTDIR);
    TRY(child.check_empty());
    bool in_lower = lower_has(name);
    TRY(copy_up());
    if (child.m_upper) {
        TRY(child.purge_whiteouts());
        TRY(m_upper->rmdir(name));
    }
    if (in_lower)
        TRY(make_whiteout(name));
    child.m_removed = true;
    child.refresh();
    names_changed();
    return {};
}

ErrorOr<void> OverlayVnode::rename(StringView old_name, Vnode& new_dir_vnode, StringView new_name)
{
    auto& new_dir = static_cast<OverlayVnode&>(new_dir_vnode);
    RefPtr<Vnode> found = TRY(lookup(old_name));
    auto& source = static_cast<OverlayVnode&>(*found);
    // A directory with lower contents would need Linux's redirect_dir to
    // move: EXDEV, so mv(1) copies it instead.
    if (source.is_directory() && source.m_lower)
        return err(EXDEV);
    RefPtr<Vnode> replaced;
    if (auto existing = new_dir.lookup(new_name); !existing.is_error())
        replaced = existing.release_value();
    else if (existing.error().code() != ENOENT)
        return existing.error();
    if (replaced == found)
        return {}; // two names of one file: nothing to do
    auto* victim = static_cast<OverlayVnode*>(replaced.ptr());
    if (victim && victim->is_directory())
        TRY(victim->check_empty());
    bool old_in_lower = lower_has(old_name);
    TRY(source.copy_up());
    TRY(copy_up());
    TRY(new_dir.copy_up());
    bool whiteout = TRY(new_dir.clear_whiteout(new_name));
    if (victim && victim->is_directory() && victim->m_upper)
        TRY(victim->purge_whiteouts());
    if (auto r = m_upper->rename(old_name, *new_dir.m_upper, new_name); r.is_error()) {
        if (whiteout)
            (void)new_dir.make_whiteout(new_name);
        return r.error();
    }
    if (old_in_lower)
        TRY(make_whiteout(old_name));
    if (source.is_directory())
        source.m_parent = RefPtr<OverlayVnode>(new_dir);
    if (victim) {
        if (!victim->m_upper || victim->is_directory())
            victim->m_removed = true;
        victim->refresh();
    }
    source.refresh();
    names_changed();
    new_dir.names_changed();
    return {};
}

} // namespace husk
