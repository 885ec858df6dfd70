// Owners of the kernel pages behind applications' memory. After a fork a
// page may be mapped by several address spaces (copy-on-write until one
// writes, or MAP_SHARED memory for good), and a MAP_SHARED mapping's pages
// are held by its SharedMemory too. A page is freed with its last owner.
// Most pages have one owner, which needs no entry: only counts of two or
// more are stored, keyed by the page's kernel address.
#pragma once

#include "../kstd/Types.h"

namespace husk {

class PageRefs {
public:
    // One more owner of `page`; false when out of memory (nothing changed).
    [[nodiscard]] static bool share(void* page);
    // One owner fewer; the last one frees the page.
    static void release(void* page);
    // How many owners `page` has (1 when it has no entry).
    static uint32_t owners(const void* page);
    // Pages with more than one owner (tests).
    static size_t shared_pages();
};

} // namespace husk
