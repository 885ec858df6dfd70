#include "PageRefs.h"
#include "../core/Heap.h"
#include "../kstd/HashMap.h"
#include "../kstd/NeverDestroyed.h"

namespace husk {

namespace {
// Single CPU, kernel code not preemptible: no lock.
kstd::HashMap<uintptr_t, uint32_t>& counts()
{
    static kstd::NeverDestroyed<kstd::HashMap<uintptr_t, uint32_t>> map;
    return map.get();
}
uintptr_t key(const void* page) { return reinterpret_cast<uintptr_t>(page); }
} // namespace

bool PageRefs::share(void* page)
{
    if (uint32_t* n = counts().get(key(page))) {
        ++*n;
        return true;
    }
    return counts().set(key(page), 2);
}

void PageRefs::release(void* page)
{
    uint32_t* n = counts().get(key(page));
    if (!n) {
        Heap::free_pages(page, 1);
        return;
    }
    if (--*n == 1)
        counts().remove(key(page));
}

uint32_t PageRefs::owners(const void* page)
{
    uint32_t* n = counts().get(key(page));
    return n ? *n : 1;
}

size_t PageRefs::shared_pages() { return counts().size(); }

} // namespace husk
