#include "SharedMemory.h"
#include "../core/Heap.h"
#include "AddressSpace.h"
#include "PageRefs.h"

namespace husk {

SharedMemory::~SharedMemory()
{
    m_pages.for_each([](size_t, void* page) { PageRefs::release(page); });
}

kstd::ErrorOr<void*> SharedMemory::page(size_t index)
{
    if (void** p = m_pages.get(index))
        return *p;
    size_t end_before = m_end_page; // a write(2) may ask past the end: it grows the object
    int error;
    void* page = borrow(index, error);
    if (error)
        return kstd::err(error);
    if (!page) {
        page = Heap::allocate_pages(1);
        if (!page)
            return kstd::err(kstd::ENOMEM);
        if (!load(index, page)) {
            Heap::free_pages(page, 1);
            return kstd::err(kstd::EIO);
        }
    }
    // A load may sleep (the disk), and another thread fill the page
    // meanwhile (its page is the object's), or truncate the object (the
    // page is past its end now: not kept).
    if (void** p = m_pages.get(index)) {
        PageRefs::release(page);
        return *p;
    }
    if (index >= m_end_page && m_end_page < end_before) {
        PageRefs::release(page);
        return kstd::err(kstd::EFAULT);
    }
    if (!m_pages.set(index, page)) {
        PageRefs::release(page);
        return kstd::err(kstd::ENOMEM);
    }
    return page;
}

void* SharedMemory::find(size_t index)
{
    void** p = m_pages.get(index);
    return p ? *p : nullptr;
}

void SharedMemory::set_end(uint64_t bytes)
{
    uint64_t pages = bytes / AddressSpace::kPage + (bytes % AddressSpace::kPage != 0);
    m_end_page = pages >= kNoEnd ? kNoEnd : size_t(pages);
}

void SharedMemory::discard_from(size_t first)
{
    // The mappings let go first, so that the object's release frees them.
    for (Mapper& m : m_mappers)
        m.space->drop_object_pages(*this, first);
    m_dirty.remove_if([&](size_t index, void*&) { return index >= first; });
    m_pages.remove_if([&](size_t index, void*& page) {
        if (index < first)
            return false;
        PageRefs::release(page);
        return true;
    });
    discarded_from(first);
}

void SharedMemory::mark_dirty(size_t index)
{
    void** p = m_pages.get(index);
    // No memory for the entry: the page stays mapped writable but is not
    // written back until it is written again after a clean (rare).
    if (!p)
        return;
    bool first = m_dirty.size() == 0;
    if (m_dirty.set(index, *p) && first)
        first_dirty();
}

kstd::ErrorOr<kstd::Vector<SharedMemory::DirtyPage>> SharedMemory::take_dirty()
{
    kstd::Vector<DirtyPage> pages;
    if (!pages.ensure_capacity(m_dirty.size()))
        return kstd::err(kstd::ENOMEM);
    m_dirty.for_each([&](size_t index, void*& page) {
        PageRefs::share(page); // the caller's: a truncate may drop it meanwhile
        (void)pages.append(DirtyPage { index, page });
    });
    m_dirty.clear();
    for (Mapper& m : m_mappers)
        m.space->reprotect_object(*this);
    return pages;
}

void SharedMemory::region_opened(AddressSpace& space)
{
    bool known = false;
    for (Mapper& m : m_mappers)
        if (m.space == &space) {
            ++m.regions;
            known = true;
        }
    // Out of memory for the entry: that space's pages would survive a
    // shrink of the object, owned by the space alone (no crash, stale data).
    if (!known)
        (void)m_mappers.append(Mapper { &space, 1 });
    opened();
}

void SharedMemory::region_closed(AddressSpace& space)
{
    for (size_t i = 0; i < m_mappers.size(); ++i)
        if (m_mappers[i].space == &space && --m_mappers[i].regions == 0) {
            m_mappers.remove(i);
            break;
        }
    closed();
}

} // namespace husk
