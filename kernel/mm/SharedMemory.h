// Pages that several mappings share (Linux's shmem/page-cache object): the
// memory behind a MAP_SHARED|MAP_ANONYMOUS mapping, a ramfs file's data
// (what read(2) and write(2) use and MAP_SHARED maps), a System V shared
// memory segment. Every address space mapping it, a forked child's too,
// maps these same pages, never copies. They are indexed by page within
// the object, allocated on first touch by anyone, and live while the
// object does (an unmapped or discarded page comes back from here with its
// contents, as MADV_DONTNEED on shared memory does on Linux).
//
// The object knows which address spaces map it (AddressSpace reports each
// region that begins or ceases to map it), so that shrinking it (a file's
// ftruncate) takes the pages away from every mapping first. Subclasses
// (kernel/ipc's segments) hear of those regions too: Linux's vm_ops
// open/close, which count a segment's attachments.
//
// A file cache (kernel/vfs/FileCache: the data of an ext2 file that is
// mapped) fills its pages from the file (load) and tracks writes: its
// pages are mapped read-only until written, the first write marks the page
// dirty, and write_back hands the dirty pages to the file and maps them
// read-only again in every space (Linux's page_mkclean). MAP_PRIVATE
// views of such an object map its clean pages too (AddressSpace's
// private_copy regions): a write copies the page.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/HashMap.h"
#include "../kstd/RefPtr.h"
#include "../kstd/Vector.h"

namespace husk {

class AddressSpace;

class SharedMemory : public kstd::RefCounted<SharedMemory>, public kstd::HeapObject {
public:
    static kstd::RefPtr<SharedMemory> create() { return kstd::adopt_new<SharedMemory>(); }
    SharedMemory() = default;
    virtual ~SharedMemory();

    // The index-th page, a fresh zeroed one the first time (filled by
    // load). The object owns it (one PageRefs owner). ENOMEM: no memory;
    // EIO: the load failed (a disk error); EFAULT: the object ended before
    // it meanwhile (a load sleeps: the file was truncated). A fault sends
    // SIGBUS for the last two, as Linux.
    kstd::ErrorOr<void*> page(size_t index);
    // The index-th page if it has one (nullptr: a hole, which reads as zeros).
    void* find(size_t index);
    size_t page_count() const { return m_pages.size(); }
    // Calls f(index, page) for every page held, in no order.
    template<typename F>
    void for_each(F f)
    {
        m_pages.for_each([&](size_t index, void*& page) { f(index, page); });
    }

    // Where the object ends, in pages: a mapping's access at or past it is
    // refused (SIGBUS: past the end of a file). No end by default.
    static constexpr size_t kNoEnd = ~size_t(0);
    size_t end_page() const { return m_end_page; }
    // Sets the end from a size in bytes (a file's), rounded up to a page.
    void set_end(uint64_t bytes);
    // Frees the pages from index `first` on, taking them away from every
    // address space that maps them first (ftruncate shrinking a file).
    void discard_from(size_t first);

    // AddressSpace's bookkeeping: a region of `space` began / ceased to map
    // this object.
    void region_opened(AddressSpace& space);
    void region_closed(AddressSpace& space);

    // Whether writes through shared mappings are tracked page by page (a
    // file cache): then a clean page is mapped read-only, and the fault of
    // its first write marks it dirty.
    bool tracks_writes() const { return m_tracks_writes; }
    bool dirty(size_t index) { return m_dirty.get(index) != nullptr; }
    bool has_dirty() const { return m_dirty.size() != 0; }
    void mark_dirty(size_t index);
    // Writes the dirty pages back where they come from (a file); nothing
    // for memory that is its own backing. Called at msync, munmap and the
    // end of an address space; ENOMEM/EIO: some stay dirty.
    virtual kstd::ErrorOr<void> write_back() { return {}; }
    // write_back, then the backing's own flush to its device (msync's
    // MS_SYNC, fsync).
    virtual kstd::ErrorOr<void> sync() { return write_back(); }

protected:
    // Tracks writes (see tracks_writes): file caches.
    explicit SharedMemory(bool tracks_writes) : m_tracks_writes(tracks_writes) {}
    // Fills `page` (fresh, zeroed) with the contents of page `index` of the
    // object; false: it could not (an I/O error). Nothing by default.
    virtual bool load(size_t, void*) { return true; }
    // A page that already holds page `index` elsewhere (a file system's
    // block buffer), with one PageRefs owner taken for the object; nullptr:
    // a fresh one is filled (load). `error`: why none could be had (EIO,
    // ENOMEM), 0 otherwise.
    virtual void* borrow(size_t, int& error)
    {
        error = 0;
        return nullptr;
    }
    // The pages from `first` on were dropped (discard_from).
    virtual void discarded_from(size_t) {}
    // A page became dirty while none was (a file cache starts its clock).
    virtual void first_dirty() {}
    // Takes the dirty pages (index, page), leaving them clean: each is
    // mapped read-only again in every space that maps the object first, so
    // that a later write marks it dirty anew. The caller owns one PageRefs
    // owner of each page it got.
    struct DirtyPage {
        size_t index;
        void* page;
    };
    kstd::ErrorOr<kstd::Vector<DirtyPage>> take_dirty();
    // What a subclass does when a region begins or ceases to map it
    // (System V segments count attachments); nothing by default.
    virtual void opened() {}
    virtual void closed() {}

private:
    struct Mapper {
        AddressSpace* space;
        uint32_t regions;
    };
    kstd::HashMap<size_t, void*> m_pages;
    kstd::HashMap<size_t, void*> m_dirty; // index -> page (of m_pages)
    kstd::Vector<Mapper> m_mappers;
    bool m_tracks_writes { false };
    size_t m_end_page { kNoEnd };
};

} // namespace husk
