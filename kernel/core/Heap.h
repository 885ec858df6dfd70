// The kernel's memory: a page allocator over the platform's RAM regions and
// a size-class heap (slabs of small objects, whole pages for large ones).
// Callable on any CPU, with or without the big lock (a spin lock inside).
#pragma once

#include <husk/platform.h>
#include "../kstd/Types.h"

namespace husk {

inline constexpr size_t kPageSize = 4096;

struct HeapStats {
    size_t total_pages;
    size_t free_pages;
    size_t heap_bytes_in_use;   // bytes handed out by kmalloc (rounded to class)
    size_t allocations;         // kmalloc calls that succeeded, ever
    size_t frees;               // kfree calls, ever
    size_t failed_allocations;  // kmalloc calls that returned nullptr
};

class Heap {
public:
    // Takes over the given regions. Returns false if none is usable.
    static bool init(const husk_mem_region* regions, size_t count);

    static void* allocate_pages(size_t count);  // zeroed, page aligned
    static void free_pages(void* base, size_t count);
    // A word of the frame table for each page allocate_pages hands out,
    // 0 when handed out, for the page's holder to keep (kernel/mm counts the
    // owners of application pages in it): an array access, no lookup
    // structure, no memory of its own. `page` must be such a page.
    static uint32_t& page_word(const void* page);

    static void* allocate(size_t size);
    static void free(void* ptr);
    static HeapStats stats();

    struct Region;

private:
    // The lock held: as allocate_pages, not zeroed; as free_pages.
    static void* take_pages(size_t count);
    static void release_pages(void* base, size_t count);
    static Region* region_of(const void* ptr);
};

} // namespace husk
