// ramfs: a file system in kernel memory (the root, /tmp). Also mountable by
// name as "tmpfs". Data pages come from the kernel page allocator.
#pragma once

#include "../../vfs/FileSystem.h"

namespace husk {

class RamfsDirectory;

class RamfsFileSystem final : public FileSystem {
public:
    static kstd::ErrorOr<FileSystem*> create(kstd::StringView source, unsigned long flags, kstd::StringView data);
    // The same with the root's permissions given (boot's /dev/shm: no
    // option string to parse), under a type name ("tmpfs" for /dev/shm).
    static kstd::ErrorOr<FileSystem*> create_with_root_mode(uint32_t mode, const char* type_name = "ramfs");
    // The same, named "tmpfs" (in /proc/PID/mounts), as mounted by that name.
    static kstd::ErrorOr<FileSystem*> create_tmpfs(kstd::StringView source, unsigned long flags, kstd::StringView data);
    static void register_type();

    const char* type_name() const override { return m_type_name; }
    kstd::RefPtr<Vnode> root() override;
    void statfs(linux::statfs& out) override;

    uint64_t allocate_ino() { return m_next_ino++; }

private:
    RamfsFileSystem() = default;
    kstd::RefPtr<Vnode> m_root;
    uint64_t m_next_ino { 1 };
    const char* m_type_name { "ramfs" };
};

} // namespace husk
