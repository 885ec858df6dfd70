#include "SharedMemory.h"
#include "../core/Heap.h"
#include "PageRefs.h"

namespace husk {

SharedMemory::~SharedMemory()
{
    m_pages.for_each([](size_t, void* page) { PageRefs::release(page); });
}

void* SharedMemory::page(size_t index)
{
    if (void** p = m_pages.get(index))
        return *p;
    void* page = Heap::allocate_pages(1);
    if (page && !m_pages.set(index, page)) {
        Heap::free_pages(page, 1);
        return nullptr;
    }
    return page;
}

} // namespace husk
