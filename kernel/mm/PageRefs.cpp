#include "PageRefs.h"
#include "../core/Heap.h"
#include "../core/Panic.h"

namespace husk {

namespace {
// Under the big lock: unlocked page faults count no page's owners (they
// map fresh pages into leaves of their own map's alone).
size_t g_shared_pages;
} // namespace

void PageRefs::share(void* page)
{
    uint32_t& extra = Heap::page_word(page);
    if (extra == UINT32_MAX)
        panic("PageRefs: %p has 2^32 owners", page);
    if (extra++ == 0)
        ++g_shared_pages;
}

void PageRefs::release(void* page)
{
    uint32_t& extra = Heap::page_word(page);
    if (extra == 0) {
        Heap::free_pages(page, 1);
        return;
    }
    if (--extra == 0)
        --g_shared_pages;
}

uint32_t PageRefs::owners(const void* page) { return Heap::page_word(page) + 1; }

size_t PageRefs::shared_pages() { return g_shared_pages; }

} // namespace husk
