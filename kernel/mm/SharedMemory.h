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
#pragma once

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

    // The index-th page, a fresh zeroed one the first time; nullptr when
    // out of memory. The object owns it (one PageRefs owner).
    void* page(size_t index);
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

protected:
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
    kstd::Vector<Mapper> m_mappers;
    size_t m_end_page { kNoEnd };
};

} // namespace husk
