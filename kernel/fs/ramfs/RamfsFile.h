// A ramfs regular file: data in 4 KiB pages indexed by page number, so
// holes cost nothing and huge sparse files are cheap. The pages are a
// SharedMemory object (kernel/mm), the one mmap(MAP_SHARED) maps: a
// program's stores through a mapping are the file's data, read(2) sees
// them, and write(2) and ftruncate are seen through every mapping.
#pragma once

#include "../../mm/SharedMemory.h"
#include "../../vfs/Vnode.h"

namespace husk {

class RamfsFileSystem;

class RamfsFile final : public Vnode {
public:
    RamfsFile(RamfsFileSystem& fs, uint64_t ino, uint32_t mode, const Credentials& owner);

    kstd::ErrorOr<size_t> read(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<size_t> write(uint64_t offset, IoBuffer buf, size_t n) override;
    kstd::ErrorOr<uint64_t> seek_data(uint64_t offset, bool want_hole) override;
    uint64_t blocks() const override { return m_data ? m_data->page_count() * 8 : 0; }
    kstd::ErrorOr<kstd::RefPtr<SharedMemory>> shared_pages() override;

private:
    kstd::ErrorOr<void> truncate(uint64_t size) override;
    uint8_t* page(uint64_t index);
    // The data's pages, made at the first write or mapping.
    kstd::ErrorOr<SharedMemory*> data();
    kstd::RefPtr<SharedMemory> m_data;
};

} // namespace husk
