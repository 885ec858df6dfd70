// The pages of a MAP_SHARED|MAP_ANONYMOUS mapping (Linux's shmem object
// behind it): every address space mapping it, a forked child's too, maps
// these same pages, writable, never copied. They are indexed by page within
// the mapping, allocated on first touch by anyone, and live while a region
// refers to the object (an unmapped or discarded page comes back from here
// with its contents, as MADV_DONTNEED on shared memory does on Linux).
#pragma once

#include "../kstd/HashMap.h"
#include "../kstd/RefPtr.h"

namespace husk {

class SharedMemory : public kstd::RefCounted<SharedMemory>, public kstd::HeapObject {
public:
    static kstd::RefPtr<SharedMemory> create() { return kstd::adopt_new<SharedMemory>(); }
    ~SharedMemory();

    // The index-th page, a fresh zeroed one the first time; nullptr when
    // out of memory. The object owns it (one PageRefs owner).
    void* page(size_t index);

private:
    kstd::HashMap<size_t, void*> m_pages;
};

} // namespace husk
