// devfs: the /dev directory with the built-in character devices.
#pragma once

#include "../../vfs/FileSystem.h"

namespace husk {

class DevFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();

    const char* type_name() const override { return "devfs"; }
    kstd::RefPtr<Vnode> root() override { return m_root; }
    void statfs(linux::statfs& out) override;

private:
    DevFileSystem() = default;
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
