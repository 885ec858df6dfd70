// A ramfs regular file: data in 4 KiB pages indexed by page number, so
// holes cost nothing and huge sparse files are cheap.
#pragma once

#include "../../kstd/HashMap.h"
#include "../../vfs/Vnode.h"

namespace husk {

class RamfsFileSystem;

class RamfsFile final : public Vnode {
public:
    RamfsFile(RamfsFileSystem& fs, uint64_t ino, uint32_t mode, const Credentials& owner);
    ~RamfsFile() override;

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<uint64_t> seek_data(uint64_t offset, bool want_hole) override;
    uint64_t blocks() const override { return m_pages.size() * 8; }

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override;
    uint8_t* page(uint64_t index);
    kstd::HashMap<uint64_t, uint8_t*> m_pages;
};

} // namespace husk
