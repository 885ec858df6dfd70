// A ramfs symbolic link: the target text, kept as written.
#pragma once

#include "../../kstd/String.h"
#include "../../vfs/Vnode.h"

namespace husk {

class RamfsFileSystem;

class RamfsSymlink final : public Vnode {
public:
    static kstd::ErrorOr<kstd::RefPtr<Vnode>> create(RamfsFileSystem& fs, kstd::StringView target, const Credentials&);
    kstd::ErrorOr<size_t> readlink(char* buf, size_t size) override;
    RamfsSymlink(RamfsFileSystem& fs, uint64_t ino);

private:
    kstd::String m_target;
};

} // namespace husk
