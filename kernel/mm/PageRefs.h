// Owners of the kernel pages behind applications' memory: the page maps'
// leaves that hold a page (a leaf shared by several address spaces after a
// fork is one owner: kernel/mm/PageMap), and the SharedMemory of a
// MAP_SHARED mapping. A page is freed with its last owner. The count sits
// in the heap's frame table (Heap::page_word: the owners beyond the
// first), so counting is an array access. PageMap counts the owners of its
// leaves (the maps sharing one) the same way.
#pragma once

#include "../kstd/Types.h"

namespace husk {

class PageRefs {
public:
    // One more owner of `page` (a page from Heap::allocate_pages).
    static void share(void* page);
    // One owner fewer; the last one frees the page.
    static void release(void* page);
    // How many owners `page` has.
    static uint32_t owners(const void* page);
    // Pages with more than one owner (tests).
    static size_t shared_pages();
};

} // namespace husk
