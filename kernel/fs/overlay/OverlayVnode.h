// A file in an overlay: an upper vnode, a lower one, or both (a merged
// directory). Its metadata mirrors the layer that counts (the upper one once
// it exists); the VFS has checked every rule before an operation gets here.
#pragma once

#include "../../kstd/String.h"
#include "../../vfs/Vnode.h"

namespace husk {

class OverlayFileSystem;

class OverlayVnode final : public Vnode {
public:
    OverlayVnode(OverlayFileSystem& fs, uint64_t ino, kstd::RefPtr<Vnode> upper, kstd::RefPtr<Vnode> lower);

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials&, uint64_t rdev) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView name, uint32_t mode, const Credentials&) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView name, kstd::StringView target, const Credentials&) override;
    kstd::ErrorOr<void> link(kstd::StringView name, Vnode& target) override;
    kstd::ErrorOr<void> unlink(kstd::StringView name) override;
    kstd::ErrorOr<void> rmdir(kstd::StringView name) override;
    kstd::ErrorOr<void> rename(kstd::StringView old_name, Vnode& new_dir, kstd::StringView new_name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    kstd::ErrorOr<uint64_t> seek_data(uint64_t offset, bool want_hole) override;
    kstd::ErrorOr<void> sync() override;
    uint64_t blocks() const override { return real().blocks(); }
    short poll_events() const override { return real().poll_events(); }
    Vnode& data_vnode() override { return real(); }
    // The layer's own pages (exec maps a program's file from them).
    kstd::ErrorOr<kstd::RefPtr<File>> open_device(int flags) override;

    // Set by OverlayFileSystem::vnode_for.
    kstd::ErrorOr<void> set_place(OverlayVnode* parent, kstd::StringView name);
    // Mirrors the real vnode's metadata into this one.
    void refresh();
    // The same, for a directory whose names changed.
    void names_changed();

protected:
    kstd::ErrorOr<void> truncate(uint64_t size) override;
    kstd::ErrorOr<void> write_metadata() override;

private:
    friend class OverlayFileSystem;
    Vnode& real() const { return m_upper ? *m_upper : *m_lower; }
    OverlayFileSystem& overlay() const;

    // --- copy-up (OverlayCopyUp.cpp)
    // Gives this file an upper copy (its directory first), with at most
    // data_limit bytes of its data.
    kstd::ErrorOr<void> copy_up(uint64_t data_limit = ~uint64_t(0));
    kstd::ErrorOr<kstd::RefPtr<Vnode>> copy_up_into(Vnode& upper_dir, uint64_t data_limit);
    // Whether the lower directory (if any) has name.
    bool lower_has(kstd::StringView name);
    // A whiteout at name in the upper directory; removing one (true if it was there).
    kstd::ErrorOr<void> make_whiteout(kstd::StringView name);
    kstd::ErrorOr<bool> clear_whiteout(kstd::StringView name);
    // Removes the whiteouts of an (otherwise empty) upper directory before it goes.
    kstd::ErrorOr<void> purge_whiteouts();
    // ENOTEMPTY unless the merged directory lists nothing but . and ..
    kstd::ErrorOr<void> check_empty();
    // After a name operation: a new upper node wrapped for the caller.
    kstd::ErrorOr<kstd::RefPtr<Vnode>> wrap_new(kstd::StringView name, kstd::RefPtr<Vnode> upper);
    // Directories below a merged one that only the lower layer has.
    uint32_t lower_only_subdirectories();

    kstd::RefPtr<Vnode> m_upper;
    kstd::RefPtr<Vnode> m_lower;          // directories: merged with it; others: until copied up
    kstd::RefPtr<OverlayVnode> m_parent;  // directories ('..'), and files until copied up
    kstd::String m_name;                  // the name in m_parent, for a copy-up
    bool m_removed { false };             // its name is gone (a whiteout or rmdir)
};

} // namespace husk
