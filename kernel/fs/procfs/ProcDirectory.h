// A directory of procfs (and sysfs): a fixed list of named entries, built
// at mount or, given a fill, before its first lookup or listing.
#pragma once

#include "../../kstd/Vector.h"
#include "../../vfs/Vnode.h"

namespace husk {

class ProcDirectory final : public Vnode {
public:
    ProcDirectory(FileSystem& fs, uint64_t ino);
    kstd::ErrorOr<void> add(const char* name, kstd::RefPtr<Vnode> node);
    void set_parent(Vnode* parent) { m_parent = parent; }
    bool fill_on_first_use(DirectoryFill fill) override
    {
        m_fill = fill;
        return true;
    }

    kstd::ErrorOr<kstd::RefPtr<Vnode>> lookup(kstd::StringView name) override;
    kstd::ErrorOr<void> readdir(uint64_t cookie, DirEmit emit, void* ctx) override;
    kstd::ErrorOr<kstd::RefPtr<Vnode>> create(kstd::StringView, uint32_t, const Credentials&, uint64_t) override { return kstd::err(kstd::EACCES); }
    kstd::ErrorOr<kstd::RefPtr<Vnode>> mkdir(kstd::StringView, uint32_t, const Credentials&) override { return kstd::err(kstd::EACCES); }
    kstd::ErrorOr<void> unlink(kstd::StringView) override { return kstd::err(kstd::EACCES); }

private:
    struct Entry {
        const char* name;
        kstd::RefPtr<Vnode> node;
    };
    kstd::ErrorOr<void> filled();
    kstd::Vector<Entry> m_entries;
    DirectoryFill m_fill { nullptr };
    Vnode* m_parent { nullptr }; // '..' inside procfs (it owns this one); the root's is the VFS's
};

} // namespace husk
