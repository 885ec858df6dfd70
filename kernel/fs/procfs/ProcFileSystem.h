// procfs: /proc, kernel state as text files programs read the Linux way.
// So far /proc/net/route (route(8), husk ctl route); the tree is built at
// mount and every file generates its text when read.
#pragma once

#include "../../vfs/FileSystem.h"

namespace husk {

class ProcFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();

    const char* type_name() const override { return "proc"; }
    kstd::RefPtr<Vnode> root() override { return m_root; }
    void statfs(linux::statfs& out) override;

private:
    ProcFileSystem() = default;
    kstd::ErrorOr<void> build();
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
