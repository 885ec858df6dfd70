// The pages of a file that is mapped (Linux's page cache, for the files
// whose file system keeps data in blocks: ext2/ext4). One per vnode while
// some mapping views it, made by the first mmap and gone with the last
// mapping: MAP_SHARED views map its pages writable (dirty pages are written
// back at msync, munmap, the end of an address space, fsync and sync), and
// MAP_PRIVATE views map its clean pages read-only and copy one at their
// first write, so N processes mapping a library privately hold one copy.
//
// Where the file system holds a page of the file in memory itself (ext2
// with 4 KiB blocks: the block's buffer, Vnode::pin_page), the cache maps
// that very page, pinned in the buffer cache while cached: one copy, which
// read(2) and write(2) use too, and write-back marks the block dirty.
// Elsewhere (holes, smaller blocks) a cached page is a copy of its own,
// kept coherent above the file system (VnodeFile): read(2) sees dirty
// pages, write(2) and truncation update the cached ones. See
// docs/architecture.md, "File pages and the buffer cache".
#pragma once

#include "../kstd/IntrusiveList.h"
#include "../mm/SharedMemory.h"
#include "IoBuffer.h"
#include "Vnode.h"

namespace husk {

class Vnode;

class FileCache final : public SharedMemory {
public:
    // The vnode's cache, made if it has none. ENOMEM.
    static kstd::ErrorOr<kstd::RefPtr<SharedMemory>> of(Vnode& vnode);
    ~FileCache() override;

    kstd::ErrorOr<void> write_back() override;
    kstd::ErrorOr<void> sync() override;

    // What VnodeFile does around the file system's read and write when the
    // vnode has a cache: `done` bytes at offset went through the file
    // system; dirty pages overlay a read, a write lands in cached pages too.
    static kstd::ErrorOr<void> after_read(Vnode& vnode, uint64_t offset, IoBuffer buf, size_t done);
    static kstd::ErrorOr<void> after_write(Vnode& vnode, uint64_t offset, IoBuffer buf, size_t done);
    // Before a write of the file system that ends past the file's end: the
    // old last page's tail, which a mapping may have written, reads zeros.
    static void before_write(Vnode& vnode, uint64_t end);
    // The file's size became `size` (ftruncate, a write past the end):
    // pages past it leave every mapping (SIGBUS there), the last one's tail
    // is zeroed.
    static void resized(Vnode& vnode);
    // Before the file system truncates to `size`: the pages wholly past it
    // leave every mapping and the cache (should the truncation fail, the
    // clean ones come back from the file; a dirty copied page's stores
    // are lost).
    static void truncating(Vnode& vnode, uint64_t size);
    // fsync: the vnode's dirty pages written back (nothing without a cache).
    static kstd::ErrorOr<void> write_back(Vnode& vnode);
    // sync(2): every cache's dirty pages written back.
    static kstd::ErrorOr<void> write_back_all();
    // The flusher's periodic write-back (Flusher::PageWriter): the caches
    // with pages dirty since before `dirtied_before`; whether any remain.
    static bool write_expired(uint64_t dirtied_before);

    explicit FileCache(Vnode& vnode);
    kstd::ListNode all_node; // in the list of every cache (sync)

private:
    bool load(size_t index, void* page) override;
    void* borrow(size_t index, int& error) override;
    void discarded_from(size_t first) override;
    void first_dirty() override;
    // Whether page `index` is the file system's own (a pinned buffer).
    bool pinned(size_t index);
    // Zeroes page bytes of the file's last page from `size` on.
    void zero_tail(uint64_t size);
    kstd::HashMap<size_t, kstd::RefPtr<PagePin>> m_pins;

    kstd::RefPtr<Vnode> m_vnode; // the vnode points back (Vnode::page_cache), without a reference
    uint64_t m_size { 0 };       // the file's, when last seen (resized)
    uint64_t m_dirty_since { 0 }; // monotonic ns when a page last became dirty while none was
};

} // namespace husk
