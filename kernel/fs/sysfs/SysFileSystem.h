// sysfs: /sys, the part of Linux's device tree programs read to learn the
// machine: /sys/devices/system/cpu (online, possible, present, offline and
// a cpuN directory per CPU), where glibc's get_nprocs and sysconf, nproc,
// lscpu and language runtimes count CPUs. Built at the first look inside;
// its nodes are procfs's (fixed directories, files generated when read).
#pragma once

#include "../../vfs/FileSystem.h"

namespace husk {

class SysFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();

    const char* type_name() const override { return "sysfs"; }
    kstd::RefPtr<Vnode> root() override { return m_root; }
    void statfs(linux::statfs& out) override;

private:
    SysFileSystem() = default;
    kstd::RefPtr<Vnode> m_root;
};

} // namespace husk
