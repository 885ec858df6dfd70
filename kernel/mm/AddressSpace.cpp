#include "AddressSpace.h"
#include <husk/platform.h>
#include "../core/Heap.h"

namespace husk {

namespace {
constexpr size_t kPage = AddressSpace::kPage;
constexpr size_t kStackReserve = 8u << 20; // below the top: the main thread's stack
constexpr size_t kStackGap = 1u << 20;     // between the stack and mmap's area
AddressSpace::CurrentLookup g_current_lookup = nullptr;

uintptr_t page_down(uintptr_t a) { return a & ~uintptr_t(kPage - 1); }
bool aligned(uintptr_t a) { return (a & (kPage - 1)) == 0; }
} // namespace

ErrorOr<kstd::RefPtr<AddressSpace>> AddressSpace::create()
{
    uintptr_t lo, hi;
    husk_plat_user_range(&lo, &hi);
    if (lo >= hi)
        return err(kstd::ENOSYS); // this platform runs no applications
    auto as = kstd::RefPtr<AddressSpace>::adopt(new AddressSpace());
    if (!as)
        return err(kstd::ENOMEM);
    as->m_platform = husk_plat_aspace_create();
    if (!as->m_platform)
        return err(kstd::ENOMEM);
    as->m_user_lo = lo;
    as->m_user_hi = hi;
    return as;
}

ErrorOr<kstd::RefPtr<AddressSpace>> AddressSpace::fork()
{
    kstd::RefPtr<AddressSpace> copy = TRY(create());
    for (const Region& r : m_regions)
        if (!copy->m_regions.append(r))
            return err(kstd::ENOMEM);
    copy->m_brk_start = m_brk_start;
    copy->m_brk_end = m_brk_end;
    bool ok = true;
    m_pages.for_each([&](uintptr_t number, void* page) {
        if (!ok)
            return;
        const Region* r = region_at(number * kPage);
        void* mine = r ? copy->page_for(number * kPage, r->prot) : nullptr;
        if (!mine)
            ok = false;
        else
            memcpy(mine, page, kPage);
    });
    if (!ok)
        return err(kstd::ENOMEM);
    return copy;
}

AddressSpace::~AddressSpace()
{
    drop_pages(m_user_lo, m_user_hi);
    if (m_platform)
        husk_plat_aspace_destroy(m_platform);
}

AddressSpace* AddressSpace::current() { return g_current_lookup ? g_current_lookup() : nullptr; }

void AddressSpace::set_current_lookup(CurrentLookup lookup) { g_current_lookup = lookup; }

void AddressSpace::activate() { husk_plat_aspace_activate(m_platform); }

const AddressSpace::Region* AddressSpace::region_at(uintptr_t address) const
{
    for (const Region& r : m_regions)
        if (address >= r.start && address < r.end)
            return &r;
    return nullptr;
}

bool AddressSpace::covered(uintptr_t start, size_t len) const
{
    uintptr_t at = start, end = start + len;
    while (at < end) {
        const Region* r = region_at(at);
        if (!r)
            return false;
        at = r->end;
    }
    return true;
}

bool AddressSpace::is_free(uintptr_t start, size_t len) const
{
    uintptr_t end = start + len;
    if (end < start || start < m_user_lo || end > m_user_hi)
        return false;
    for (const Region& r : m_regions)
        if (r.start < end && r.end > start)
            return false;
    return true;
}

void AddressSpace::discard(uintptr_t start, size_t len)
{
    uintptr_t end = (start + len + kPage - 1) & ~uintptr_t(kPage - 1);
    if (end > start)
        drop_pages(page_down(start), end);
}

void* AddressSpace::page_for(uintptr_t va, unsigned prot)
{
    uintptr_t number = va / kPage;
    if (void** p = m_pages.get(number))
        return *p;
    void* page = Heap::allocate_pages(1);
    if (!page)
        return nullptr;
    if (husk_plat_aspace_map(m_platform, page_down(va), page, prot) != 0 || !m_pages.set(number, page)) {
        husk_plat_aspace_unmap(m_platform, page_down(va));
        Heap::free_pages(page, 1);
        return nullptr;
    }
    return page;
}

void AddressSpace::drop_pages(uintptr_t start, uintptr_t end)
{
    auto drop = [this](uintptr_t number, void* page) {
        husk_plat_aspace_unmap(m_platform, number * kPage);
        Heap::free_pages(page, 1);
    };
    if ((end - start) / kPage > m_pages.size()) {
        // A large, sparsely touched range: walk the pages, not the range.
        m_pages.remove_if([&](uintptr_t number, void* page) {
            if (number < start / kPage || number >= end / kPage)
                return false;
            drop(number, page);
            return true;
        });
        return;
    }
    for (uintptr_t number = start / kPage; number < end / kPage; ++number) {
        if (void** p = m_pages.get(number)) {
            drop(number, *p);
            m_pages.remove(number);
        }
    }
}

ErrorOr<void> AddressSpace::carve(uintptr_t start, uintptr_t end)
{
    kstd::Vector<Region> kept;
    for (const Region& r : m_regions) {
        if (r.end <= start || r.start >= end) {
            if (!kept.append(r))
                return err(kstd::ENOMEM);
            continue;
        }
        if (r.start < start && !kept.append(Region { r.start, start, r.prot }))
            return err(kstd::ENOMEM);
        if (r.end > end && !kept.append(Region { end, r.end, r.prot }))
            return err(kstd::ENOMEM);
    }
    drop_pages(start, end);
    m_regions = kstd::move(kept);
    return {};
}

ErrorOr<void> AddressSpace::map_fixed(uintptr_t start, size_t len, unsigned prot)
{
    uintptr_t end = start + len;
    if (!aligned(start) || !aligned(len) || len == 0 || end < start || start < m_user_lo || end > m_user_hi)
        return err(kstd::EINVAL);
    TRY(carve(start, end));
    size_t at = 0;
    while (at < m_regions.size() && m_regions[at].start < start)
        ++at;
    if (!m_regions.append(Region {}))
        return err(kstd::ENOMEM);
    for (size_t i = m_regions.size() - 1; i > at; --i)
        m_regions[i] = m_regions[i - 1];
    m_regions[at] = Region { start, end, prot };
    return {};
}

ErrorOr<uintptr_t> AddressSpace::map_anywhere(size_t len, unsigned prot)
{
    if (!aligned(len) || len == 0)
        return err(kstd::EINVAL);
    uintptr_t top = m_user_hi - kStackReserve - kStackGap;
    // Top down: the highest gap below `top` that fits.
    for (size_t i = m_regions.size(); i-- > 0;) {
        const Region& r = m_regions[i];
        if (r.start >= top)
            continue;
        if (r.end < top && top - r.end >= len)
            break;
        top = r.start;
    }
    if (top < m_user_lo + len)
        return err(kstd::ENOMEM);
    uintptr_t start = top - len;
    TRY(map_fixed(start, len, prot));
    return start;
}

ErrorOr<void> AddressSpace::unmap(uintptr_t start, size_t len)
{
    len = (len + kPage - 1) & ~(kPage - 1);
    if (!aligned(start) || len == 0 || start + len < start || start + len > m_user_hi)
        return err(kstd::EINVAL);
    return carve(start, start + len);
}

ErrorOr<void> AddressSpace::protect(uintptr_t start, size_t len, unsigned prot)
{
    len = (len + kPage - 1) & ~(kPage - 1);
    uintptr_t end = start + len;
    if (!aligned(start) || end < start)
        return err(kstd::EINVAL);
    if (!covered(start, len))
        return err(kstd::ENOMEM); // as Linux: the range has unmapped holes
    // Split at the edges, then change the rights of what lies inside.
    kstd::Vector<Region> updated;
    for (const Region& r : m_regions) {
        bool ok = true;
        if (r.end <= start || r.start >= end) {
            ok = updated.append(r);
        } else {
            if (r.start < start)
                ok = ok && updated.append(Region { r.start, start, r.prot });
            ok = ok && updated.append(Region { r.start < start ? start : r.start, r.end > end ? end : r.end, prot });
            if (r.end > end)
                ok = ok && updated.append(Region { end, r.end, r.prot });
        }
        if (!ok)
            return err(kstd::ENOMEM);
    }
    m_regions = kstd::move(updated);
    for (uintptr_t va = start; va < end; va += kPage)
        if (m_pages.get(va / kPage))
            husk_plat_aspace_protect(m_platform, va, prot);
    return {};
}

AddressSpace::Fault AddressSpace::handle_fault(uintptr_t address, uint32_t flags)
{
    const Region* r = region_at(address);
    if (!r)
        return Fault::Refused;
    unsigned needed = (flags & HUSK_FAULT_EXEC) ? HUSK_PROT_EXEC : (flags & HUSK_FAULT_WRITE) ? HUSK_PROT_WRITE : HUSK_PROT_READ;
    bool allowed = (r->prot & needed) || (needed == HUSK_PROT_READ && r->prot);
    if (!allowed)
        return Fault::Refused;
    if ((flags & HUSK_FAULT_PRESENT) && m_pages.get(address / kPage))
        return Fault::Refused; // mapped with these very rights and still refused: not ours to fix
    // A page, its page table or its bookkeeping could not be had: memory.
    return page_for(address, r->prot) ? Fault::Resolved : Fault::OutOfMemory;
}

bool AddressSpace::populate(uintptr_t start, size_t len, unsigned needed)
{
    uintptr_t end = start + len;
    if (end < start)
        return false;
    for (uintptr_t va = page_down(start); va < end; va += kPage) {
        const Region* r = region_at(va);
        if (!r || (r->prot & needed) != needed || !page_for(va, r->prot))
            return false;
    }
    return true;
}

ErrorOr<void> AddressSpace::write(uintptr_t address, const void* data, size_t len)
{
    auto* src = static_cast<const uint8_t*>(data);
    while (len) {
        const Region* r = region_at(address);
        if (!r)
            return err(kstd::EFAULT);
        auto* page = static_cast<uint8_t*>(page_for(address, r->prot));
        if (!page)
            return err(kstd::ENOMEM);
        size_t offset = address % kPage;
        size_t n = kPage - offset < len ? kPage - offset : len;
        memcpy(page + offset, src, n);
        address += n;
        src += n;
        len -= n;
    }
    return {};
}

uintptr_t AddressSpace::brk(uintptr_t requested)
{
    if (requested < m_brk_start)
        return m_brk_end;
    uintptr_t old_top = (m_brk_end + kPage - 1) & ~(kPage - 1);
    uintptr_t new_top = (requested + kPage - 1) & ~(kPage - 1);
    if (new_top > old_top) {
        // Grow only into free space, like Linux (no clobbering of mmaps).
        if (!is_free(old_top, new_top - old_top)
            || map_fixed(old_top, new_top - old_top, HUSK_PROT_READ | HUSK_PROT_WRITE).is_error())
            return m_brk_end;
    } else if (new_top < old_top) {
        (void)unmap(new_top, old_top - new_top);
    }
    m_brk_end = requested;
    return m_brk_end;
}

} // namespace husk

extern "C" void* husk_kernel_page_alloc(void) { return husk::Heap::allocate_pages(1); }
extern "C" void husk_kernel_page_free(void* page) { husk::Heap::free_pages(page, 1); }
