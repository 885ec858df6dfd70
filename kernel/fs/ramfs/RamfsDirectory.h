// A ramfs directory: entries in creation order (stable readdir cookies that
// survive removals) plus a hash index by name.
#pragma once

#include "../../kstd/HashMap.h"
#include "../../kstd/IntrusiveList.h"
#include "../../kstd/String.h"
#include "../../vfs/Vnode.h"

namespace husk {

class RamfsFileSystem;

class RamfsDirectory final : public Vnode {
public:
    static kstd::ErrorOr<kstd::RefPtr<RamfsDirectory>> create(RamfsFileSystem& fs, uint32_t mode, const Credentials&, RamfsDirectory* parent);
    ~RamfsDirectory() override;

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView name, uint32_t mode, const Credentials&, uint64_t rdev) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView name, uint32_t mode, const Credentials&) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> symlink(kstd::StringView name, kstd::StringView target, const Credentials&) override;
    kstd::ErrorOr<void> link(kstd::StringView name, Vnode& target) override;
    kstd::ErrorOr<void> unlink(kstd::StringView name) override;
    kstd::ErrorOr<void> rmdir(kstd::StringView name) override;
    kstd::ErrorOr<void> rename(kstd::StringView old_name, Vnode& new_dir, kstd::StringView new_name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    uint64_t blocks() const override { return 0; }
    bool fill_on_first_use(DirectoryFill fill) override;

    bool is_empty() const { return !m_fill && m_entries.is_empty(); }

    RamfsDirectory(RamfsFileSystem& fs, uint64_t ino, uint32_t mode);

private:
    struct Entry {
        kstd::String name;
        kstd::RefPtr<Vnode> node;
        uint64_t cookie;
        kstd::ListNode link;
    };
    RamfsFileSystem& ramfs();
    Entry* find(kstd::StringView name);
    kstd::ErrorOr<Entry*> new_entry(kstd::StringView name, kstd::RefPtr<Vnode> node);
    kstd::ErrorOr<void> insert(Entry* e);
    void remove(Entry* e);
    void touch();
    kstd::ErrorOr<void> filled();

    kstd::IntrusiveList<Entry, &Entry::link> m_entries;
    kstd::HashMap<kstd::StringView, Entry*> m_index;
    uint64_t m_next_cookie { 2 }; // 0 and 1 are "." and ".."
    void detach_from_parent();

    RamfsDirectory* m_parent { nullptr };      // null once removed
    kstd::RefPtr<Vnode> m_removed_parent;      // keeps '..' alive after removal
    DirectoryFill m_fill { nullptr };          // entries still to make (fill_on_first_use)
};

} // namespace husk
