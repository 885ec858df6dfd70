#include "AddressSpace.h"
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../core/Reclaim.h"
#include "PageRefs.h"

namespace husk {

namespace {
constexpr size_t kPage = AddressSpace::kPage;
constexpr size_t kStackReserve = 8u << 20; // below the top: the main thread's stack
constexpr size_t kStackGap = 1u << 20;     // between the stack and mmap's area
AddressSpace::CurrentLookup g_current_lookup = nullptr;

uintptr_t page_down(uintptr_t a) { return a & ~uintptr_t(kPage - 1); }
bool aligned(uintptr_t a) { return (a & (kPage - 1)) == 0; }

// Private memory a program may write: copy-on-write once another space
// may reach its pages (a private view of a file: always, while it maps the
// file cache's page).
bool private_writable(const AddressSpace::Region& r)
{
    return (!r.shared || r.private_copy) && (r.prot & HUSK_PROT_WRITE);
}
// A shared view of an object whose pages are mapped read-only until
// written (a file cache: the first write marks the page dirty).
bool tracked_shared(const AddressSpace::Region& r)
{
    return r.shared && !r.private_copy && r.shared->tracks_writes();
}
unsigned read_only(unsigned prot) { return prot & ~HUSK_PROT_WRITE; }
// Whether region r's rights allow a fault's access (x86 reads what it may
// write or execute: any right allows a read).
bool access_allowed(const AddressSpace::Region& r, uint32_t flags)
{
    unsigned needed = (flags & HUSK_FAULT_EXEC) ? HUSK_PROT_EXEC : (flags & HUSK_FAULT_WRITE) ? HUSK_PROT_WRITE : HUSK_PROT_READ;
    return (r.prot & needed) || (needed == HUSK_PROT_READ && r.prot);
}
} // namespace

AddressSpace::Region AddressSpace::Region::piece(uintptr_t from, uintptr_t to, unsigned rights) const
{
    return Region { from, to, rights, shared, shared_first + (from - start) / kPage, may_write, private_copy, name,
                    name_offset + (from - start) };
}

kstd::RefPtr<RegionName> RegionName::make(kstd::StringView text, uint64_t dev, uint64_t ino)
{
    auto copy = kstd::String::from(text);
    if (copy.is_error())
        return nullptr;
    auto name = kstd::adopt_new<RegionName>();
    if (name) {
        name->text = copy.release_value();
        name->dev = dev;
        name->ino = ino;
    }
    return name;
}

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

AddressSpace::~AddressSpace()
{
    // Files mapped shared get what was written through this space (the
    // objects then clean the pages in every space, this one too: its page
    // tables still exist). The page tables go next; m_pages then releases
    // the pages (a leaf still shared with another space is one reference
    // dropped).
    for (const Region& r : m_regions)
        region_closed(r);
    for (const Region& r : m_regions)
        if (tracked_shared(r))
            (void)r.shared->write_back();
    if (m_platform)
        husk_plat_aspace_destroy(m_platform);
}

AddressSpace* AddressSpace::current() { return g_current_lookup ? g_current_lookup() : nullptr; }

void AddressSpace::set_current_lookup(CurrentLookup lookup) { g_current_lookup = lookup; }

void AddressSpace::activate() { husk_plat_aspace_activate(m_platform); }

AddressSpace::Change::Change(const AddressSpace& space) : m_space(space)
{
    SmpSpinGuard guard(space.m_map_lock); // an unlocked fault under way ends first
    ++space.m_changes;
}

AddressSpace::Change::~Change()
{
    const_cast<AddressSpace&>(m_space).count_pages();
    SmpSpinGuard guard(m_space.m_map_lock);
    --m_space.m_changes;
}

void AddressSpace::count_pages()
{
    __atomic_store_n(&m_pages_mapped, m_pages.size(), __ATOMIC_RELAXED);
    __atomic_store_n(&m_pages_peak, m_pages.peak(), __ATOMIC_RELAXED);
}

const AddressSpace::Region* AddressSpace::region_at(uintptr_t address) const
{
    // Binary search: the regions are sorted and disjoint, and page faults
    // and fork() ask for every page.
    size_t lo = 0, hi = m_regions.size();
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const Region& r = m_regions[mid];
        if (address < r.start)
            hi = mid;
        else if (address >= r.end)
            lo = mid + 1;
        else
            return &r;
    }
    return nullptr;
}

AddressSpace::SharedKey AddressSpace::shared_key(uintptr_t address) const
{
    const Region* r = region_at(address);
    if (!r || !r->shared || r->private_copy)
        return {}; // private: the address is the key
    uint64_t page = r->shared_first + (page_down(address) - r->start) / kPage;
    return { r->shared, page * kPage + (address & (kPage - 1)) };
}

ErrorOr<kstd::RefPtr<AddressSpace>> AddressSpace::fork()
{
    Change change(*this);
    kstd::RefPtr<AddressSpace> child = TRY(create());
    for (const Region& r : m_regions) {
        if (!child->m_regions.append(r))
            return err(kstd::ENOMEM);
        child->regions_opened(r, 1); // a System V segment's attachment is inherited
    }
    child->m_brk_start = m_brk_start;
    child->m_brk_end = m_brk_end;
    // fork costs O(page tables), not O(pages): the child's map shares
    // this one's leaves (PageMap::share), and the platform takes write
    // rights from this space's private pages in bulk (shared memory's stay
    // writable in both: its pages are the SharedMemory's, never copied), a whole table at a
    // time where it can (husk_plat_aspace_write_protect). The child's page
    // tables start empty and fill on its faults from its map, 64 KiB around
    // each read. Copying them at once instead, as Linux copies those of
    // anonymous memory, was measured too (bench/proc, QEMU TCG): the pass
    // over every entry made forking a process that touched 256 MiB cost
    // ~3x forking one that touched 1 MiB (~1.1x filled lazily), and its
    // idle child 0.7 MiB (0.2 MiB). What it saves, a fault per 16 pages
    // for a child that reads all its memory (~25 ms more for 256 MiB under
    // TCG), most children (exec, exit, a few pages touched) never pay.
    child->m_pages = TRY(m_pages.share());
    kstd::Vector<husk_range> ranges;
    for (const Region& r : m_regions) {
        if (!private_writable(r))
            continue;
        if (!ranges.is_empty() && ranges.last().end == r.start)
            ranges.last().end = r.end;
        else if (!ranges.append(husk_range { r.start, r.end }))
            return err(kstd::ENOMEM);
    }
    husk_plat_aspace_write_protect(m_platform, ranges.data(), ranges.size());
    child->count_pages();
    return child;
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

ErrorOr<void> AddressSpace::discard(uintptr_t start, size_t len)
{
    Change change(*this);
    uintptr_t end = (start + len + kPage - 1) & ~uintptr_t(kPage - 1);
    if (end > start)
        TRY(drop_pages(page_down(start), end));
    return {};
}

unsigned AddressSpace::rights(uintptr_t va, const Region& r) const
{
    if (private_writable(r))
        return m_pages.shared(va / kPage) ? read_only(r.prot) : r.prot;
    if (tracked_shared(r) && !r.shared->dirty(r.object_page(va)))
        return read_only(r.prot);
    return r.prot;
}

const AddressSpace::Region* AddressSpace::region_with_object_page(uintptr_t va, Fault& failure)
{
    failure = Fault::Resolved;
    for (;;) {
        const Region* r = region_at(va);
        if (!r || !r->shared || m_pages.get(va / kPage))
            return r;
        size_t index = r->object_page(va);
        if (index >= r->shared->end_page() || r->shared->find(index))
            return r; // in memory already, or past the end (the callers refuse it)
        // Reading a file's page sleeps on the disk, and other threads of
        // the program run meanwhile: an mmap, munmap or mprotect rebuilds
        // the regions (r dangles; the region and its object may be gone:
        // held here), another fault maps the page. Look again after it.
        kstd::RefPtr<SharedMemory> object = r->shared;
        if (auto page = object->page(index); page.is_error()) {
            failure = page.error().code() == kstd::ENOMEM ? Fault::OutOfMemory : Fault::BusError;
            return nullptr;
        }
    }
}

void* AddressSpace::page_for(uintptr_t va, const Region& r)
{
    uintptr_t number = va / kPage;
    if (void* page = m_pages.get(number)) {
        // A forked child's page tables fill on demand: map it.
        return husk_plat_aspace_map(m_platform, va, page, rights(va, r)) == 0 ? page : nullptr;
    }
    void* page;
    if (r.shared) {
        // The shared memory keeps its page; this space becomes an owner too.
        // It is in memory (region_with_object_page): nothing here sleeps.
        size_t index = r.object_page(va);
        if (index >= r.shared->end_page())
            return nullptr; // past the end of a file
        page = r.shared->find(index);
        if (!page)
            return nullptr;
        PageRefs::share(page);
    } else {
        page = Heap::allocate_pages(1);
        if (!page)
            return nullptr;
    }
    // The map's slot first (what may need memory), so that set cannot fail.
    // A file cache's page is read-only in a private view (written: copied)
    // and, while clean, in a shared one.
    unsigned prot = r.private_copy ? read_only(r.prot) : rights(va, r);
    if (!m_pages.own(number) || husk_plat_aspace_map(m_platform, va, page, prot) != 0) {
        PageRefs::release(page);
        return nullptr;
    }
    (void)m_pages.set(number, page);
    return page;
}

void* AddressSpace::writable_page_for(uintptr_t va, const Region& r)
{
    uintptr_t number = va / kPage;
    void* page = m_pages.get(number);
    if (!page) {
        page = page_for(va, r);
        if (!page || !r.shared)
            return page; // fresh: mapped writable
        // An object's page: a file cache's is mapped read-only (below).
    }
    if (r.shared && !r.private_copy) {
        // Writable in every space (a forked child's tables fill on
        // demand); a file's page is dirty from now on.
        if (r.shared->tracks_writes())
            r.shared->mark_dirty(r.object_page(va));
        return husk_plat_aspace_map(m_platform, va, page, r.prot) == 0 ? page : nullptr;
    }
    if (m_pages.shared(number)) {
        // Another space may reach it: write into a copy of our own.
        void* copy = m_pages.own(number) ? Heap::allocate_pages(1) : nullptr;
        if (!copy)
            return nullptr;
        memcpy(copy, page, kPage);
        if (husk_plat_aspace_map(m_platform, va, copy, r.prot) != 0) {
            Heap::free_pages(copy, 1);
            return nullptr;
        }
        (void)m_pages.set(number, copy); // releases `page`
        return copy;
    }
    // Ours alone (the others let go of it): writable again, perhaps already.
    if (husk_plat_aspace_map(m_platform, va, page, r.prot) != 0)
        return nullptr;
    return page;
}

void AddressSpace::map_around(uintptr_t va, const Region& r)
{
    // The aligned 64 KiB around va (Linux's fault-around for file pages),
    // inside the region: a child reading its memory takes a fault per 16
    // pages, and one touching a page or two maps few it does not use.
    constexpr uintptr_t kAround = 16 * kPage;
    uintptr_t from = va & ~(kAround - 1), to = from + kAround;
    from = from < r.start ? r.start : from;
    to = to > r.end ? r.end : to;
    m_pages.for_each(from / kPage, to / kPage, [&](uintptr_t number, void* page) {
        if (number * kPage != va)
            (void)husk_plat_aspace_map(m_platform, number * kPage, page, rights(number * kPage, r));
    });
}

ErrorOr<void> AddressSpace::drop_pages(uintptr_t start, uintptr_t end)
{
    // The page tables first: should the map fail, its pages are mapped
    // again by their next fault.
    husk_plat_aspace_unmap(m_platform, start, end);
    if (!m_pages.drop(start / kPage, end / kPage))
        return err(kstd::ENOMEM);
    return {};
}

ErrorOr<void> AddressSpace::carve(uintptr_t start, uintptr_t end, Objects& written)
{
    // Pages live only inside regions: where none is (every mapping of a
    // new program), there is nothing to cut, drop or unmap.
    bool overlaps = false;
    for (const Region& r : m_regions)
        overlaps = overlaps || (r.start < end && r.end > start);
    if (!overlaps)
        return {};
    kstd::Vector<Region> kept;
    for (const Region& r : m_regions) {
        if (r.end <= start || r.start >= end) {
            if (!kept.append(r))
                return err(kstd::ENOMEM);
            continue;
        }
        if (r.start < start && !kept.append(r.piece(r.start, start, r.prot)))
            return err(kstd::ENOMEM);
        if (r.end > end && !kept.append(r.piece(end, r.end, r.prot)))
            return err(kstd::ENOMEM);
    }
    TRY(drop_pages(start, end));
    for (const Region& r : m_regions)
        if (r.end > start && r.start < end && tracked_shared(r))
            (void)written.append(r.shared); // no memory: written back later (exit, sync)
    // A shared region cut away closes; one cut in two opens a second (as
    // Linux's VMAs: a segment's attachment count follows them).
    for (const Region& r : m_regions) {
        if (r.end <= start || r.start >= end)
            continue;
        if (r.start < start && r.end > end)
            regions_opened(r, 1);
        else if (r.start >= start && r.end <= end)
            region_closed(r);
    }
    m_regions = kstd::move(kept);
    return {};
}

void AddressSpace::write_back(Objects& objects)
{
    // munmap writes a shared file mapping's pages back (Linux leaves them
    // dirty in its page cache, which outlives the mapping; Husk's file
    // cache lives while mapped). An error stays with the pages (EIO later).
    // It sleeps on the disk: the operation's regions are all in place by
    // now (see carve).
    for (auto& object : objects)
        (void)object->write_back();
}

void AddressSpace::reprotect_object(const SharedMemory& object)
{
    Change change(*this);
    for (const Region& r : m_regions) {
        if (r.shared.ptr() != &object || r.private_copy)
            continue;
        m_pages.for_each(r.start / kPage, r.end / kPage, [&](uintptr_t number, void*) {
            uintptr_t va = number * kPage;
            husk_plat_aspace_protect(m_platform, va, rights(va, r));
        });
    }
}

ErrorOr<void> AddressSpace::move_pages(uintptr_t from, uintptr_t to, size_t len)
{
    // Gathered first: the map changes under a walk. Each page gains its
    // owner at `to` before `from` lets go of it (the caller's carve).
    struct Moved {
        uintptr_t number;
        void* page;
    };
    kstd::Vector<Moved> pages;
    bool ok = true;
    m_pages.for_each(from / kPage, (from + len) / kPage, [&](uintptr_t number, void* page) {
        ok = ok && pages.append(Moved { number - from / kPage + to / kPage, page });
    });
    if (!ok)
        return err(kstd::ENOMEM);
    for (const Moved& m : pages) {
        if (!m_pages.own(m.number))
            return err(kstd::ENOMEM); // those moved so far are mapped twice until the carve
        PageRefs::share(m.page);
        (void)m_pages.set(m.number, m.page);
    }
    return {};
}

ErrorOr<uintptr_t> AddressSpace::remap(uintptr_t old_start, size_t old_len, size_t new_len, bool may_move, bool fixed,
                                      uintptr_t new_start)
{
    Change change(*this);
    // Linux's checks (mm/mremap.c): the old range lies in one region.
    const Region* found = region_at(old_start);
    if (!found)
        return err(kstd::EFAULT);
    if (old_len > found->end - old_start)
        return err(kstd::EFAULT);
    if (old_len == 0 && (!found->shared || found->private_copy))
        return err(kstd::EINVAL); // a second view of the same pages: shared memory only
    Region r = found->piece(old_start, old_start + old_len, found->prot);
    Objects written; // written back once the regions are in place (carve)
    bool region_ends_here = found->end == old_start + old_len;
    size_t index = size_t(found - m_regions.data());
    if (fixed) {
        uintptr_t new_end = new_start + new_len;
        if (!aligned(new_start) || new_end < new_start || new_start < m_user_lo || new_end > m_user_hi)
            return err(kstd::EINVAL);
        if (new_start < old_start + old_len && old_start < new_end)
            return err(kstd::EINVAL); // the ranges overlap
        TRY(carve(new_start, new_end, written));
        if (old_len > new_len) {
            TRY(carve(old_start + new_len, old_start + old_len, written));
            old_len = new_len;
        }
    } else if (new_len <= old_len) {
        if (new_len < old_len)
            TRY(carve(old_start + new_len, old_start + old_len, written));
        write_back(written);
        return old_start;
    } else if (old_len && region_ends_here && is_free(old_start + old_len, new_len - old_len)) {
        m_regions[index].end = old_start + new_len; // grown where it lies
        return old_start;
    } else if (!may_move) {
        return err(kstd::ENOMEM);
    } else {
        new_start = TRY(find_free(new_len));
    }
    // Moved: a region at new_start viewing what the old one did, its pages
    // along, then the old range unmapped (a second view for old_len 0).
    r.start = new_start;
    r.end = new_start + new_len;
    TRY(insert(kstd::move(r)));
    TRY(move_pages(old_start, new_start, old_len));
    if (old_len)
        TRY(carve(old_start, old_start + old_len, written));
    write_back(written);
    return new_start;
}

bool AddressSpace::resident(uintptr_t va) const
{
    Change change(*this);
    if (m_pages.get(va / kPage))
        return true;
    const Region* r = region_at(va);
    return r && r->shared && r->shared->find(r->object_page(va));
}

void AddressSpace::regions_opened(const Region& r, size_t n)
{
    if (r.shared)
        for (size_t i = 0; i < n; ++i)
            r.shared->region_opened(*this);
}

void AddressSpace::region_closed(const Region& r)
{
    if (r.shared)
        r.shared->region_closed(*this);
}

ErrorOr<void> AddressSpace::insert(Region region)
{
    size_t at = 0;
    while (at < m_regions.size() && m_regions[at].start < region.start)
        ++at;
    if (!m_regions.append(Region {}))
        return err(kstd::ENOMEM);
    for (size_t i = m_regions.size() - 1; i > at; --i)
        m_regions[i] = m_regions[i - 1];
    m_regions[at] = kstd::move(region);
    regions_opened(m_regions[at], 1);
    return {};
}

ErrorOr<void> AddressSpace::map_fixed(uintptr_t start, size_t len, unsigned prot, Sharing sharing)
{
    Backing backing;
    if (sharing == Sharing::Shared && !(backing.shared = SharedMemory::create()))
        return err(kstd::ENOMEM);
    return map_fixed(start, len, prot, kstd::move(backing));
}

ErrorOr<void> AddressSpace::map_fixed(uintptr_t start, size_t len, unsigned prot, Backing backing)
{
    Change change(*this);
    uintptr_t end = start + len;
    if (!aligned(start) || !aligned(len) || len == 0 || end < start || start < m_user_lo || end > m_user_hi)
        return err(kstd::EINVAL);
    // The old regions' write-back sleeps: only once the new region is in,
    // or another thread's mmap could take the gap meanwhile (overlapping
    // regions).
    Objects written;
    TRY(carve(start, end, written));
    auto inserted = insert(Region { start, end, prot, kstd::move(backing.shared), backing.first_page,
                                    backing.may_write, backing.private_copy, kstd::move(backing.name),
                                    backing.name_offset });
    write_back(written);
    return inserted;
}

ErrorOr<uintptr_t> AddressSpace::map_anywhere(size_t len, unsigned prot, Sharing sharing)
{
    Backing backing;
    if (sharing == Sharing::Shared && !(backing.shared = SharedMemory::create()))
        return err(kstd::ENOMEM);
    return map_anywhere(len, prot, kstd::move(backing));
}

ErrorOr<uintptr_t> AddressSpace::map_anywhere(size_t len, unsigned prot, Backing backing)
{
    uintptr_t start = TRY(find_free(len));
    TRY(map_fixed(start, len, prot, kstd::move(backing)));
    return start;
}

ErrorOr<uintptr_t> AddressSpace::find_free(size_t len) const
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
    return top - len;
}

ErrorOr<void> AddressSpace::unmap(uintptr_t start, size_t len)
{
    Change change(*this);
    len = (len + kPage - 1) & ~(kPage - 1);
    if (!aligned(start) || len == 0 || start + len < start || start + len > m_user_hi)
        return err(kstd::EINVAL);
    Objects written;
    auto carved = carve(start, start + len, written);
    write_back(written);
    return carved;
}

ErrorOr<void> AddressSpace::unmap_object(uintptr_t start, size_t len, const SharedMemory& object)
{
    Change change(*this);
    uintptr_t end = start + len < start ? m_user_hi : start + len;
    Objects written;
    for (;;) {
        // One region at a time: each carve rebuilds the list.
        const Region* found = nullptr;
        for (const Region& r : m_regions)
            if (r.shared.ptr() == &object && r.start >= start && r.end <= end) {
                found = &r;
                break;
            }
        if (!found)
            break;
        if (auto carved = carve(found->start, found->end, written); carved.is_error()) {
            write_back(written);
            return carved;
        }
    }
    write_back(written);
    return {};
}

void AddressSpace::drop_object_pages(const SharedMemory& object, size_t first)
{
    Change change(*this);
    for (const Region& r : m_regions) {
        if (r.shared.ptr() != &object)
            continue;
        size_t pages = (r.end - r.start) / kPage;
        if (first >= r.shared_first + pages)
            continue;
        uintptr_t from = first > r.shared_first ? r.start + (first - r.shared_first) * kPage : r.start;
        // ENOMEM (a shared leaf cut in two could not be copied): the pages
        // stay mapped here, owned by this space too (stale, not freed).
        (void)drop_pages(from, r.end);
    }
}

ErrorOr<void> AddressSpace::protect(uintptr_t start, size_t len, unsigned prot)
{
    Change change(*this);
    len = (len + kPage - 1) & ~(kPage - 1);
    uintptr_t end = start + len;
    if (!aligned(start) || end < start)
        return err(kstd::EINVAL);
    if (!covered(start, len))
        return err(kstd::ENOMEM); // as Linux: the range has unmapped holes
    if (prot & HUSK_PROT_WRITE)
        for (const Region& r : m_regions)
            if (r.start < end && r.end > start && !r.may_write)
                return err(kstd::EACCES); // a read-only file's or SHM_RDONLY view
    // Split at the edges, then change the rights of what lies inside.
    kstd::Vector<Region> updated;
    for (const Region& r : m_regions) {
        bool ok = true;
        if (r.end <= start || r.start >= end) {
            ok = updated.append(r);
        } else {
            if (r.start < start)
                ok = ok && updated.append(r.piece(r.start, start, r.prot));
            ok = ok && updated.append(r.piece(r.start < start ? start : r.start, r.end > end ? end : r.end, prot));
            if (r.end > end)
                ok = ok && updated.append(r.piece(end, r.end, r.prot));
        }
        if (!ok)
            return err(kstd::ENOMEM);
    }
    for (const Region& r : m_regions)
        if (r.start < end && r.end > start)
            regions_opened(r, (r.start < start) + (r.end > end)); // the pieces beyond the first
    m_regions = kstd::move(updated);
    // A page another space may reach stays read-only while the region
    // allows writing: its first write must copy it.
    m_pages.for_each(start / kPage, end / kPage, [&](uintptr_t number, void*) {
        uintptr_t va = number * kPage;
        husk_plat_aspace_protect(m_platform, va, rights(va, *region_at(va)));
    });
    return {};
}

AddressSpace::Fault AddressSpace::handle_fault(uintptr_t address, uint32_t flags)
{
    Change change(*this);
    Fault failure;
    const Region* r = region_with_object_page(address, failure);
    if (failure != Fault::Resolved)
        return failure;
    if (!r)
        return Fault::Refused;
    if (!access_allowed(*r, flags))
        return Fault::Refused;
    uintptr_t va = page_down(address);
    void* page = m_pages.get(va / kPage);
    if (!page && r->shared && r->object_page(va) >= r->shared->end_page())
        return Fault::BusError;
    bool write = flags & HUSK_FAULT_WRITE;
    // A page, its page table or its bookkeeping could not be had: memory.
    if (!page)
        return (write ? writable_page_for(va, *r) : page_for(va, *r)) ? Fault::Resolved : Fault::OutOfMemory;
    // A write to a private page mapped read-only: copy-on-write; to a clean
    // page of a file mapped shared: it becomes dirty.
    if (write && (private_writable(*r) || tracked_shared(*r)))
        return writable_page_for(va, *r) ? Fault::Resolved : Fault::OutOfMemory;
    if (flags & HUSK_FAULT_PRESENT)
        return Fault::Refused; // mapped with these very rights and still refused: not ours to fix
    // In the map but not in the page tables: a forked child's first touch.
    if (husk_plat_aspace_map(m_platform, va, page, rights(va, *r)) != 0)
        return Fault::OutOfMemory;
    map_around(va, *r);
    return Fault::Resolved;
}

bool AddressSpace::fault_unlocked(uintptr_t address, uint32_t flags)
{
    // The page first, zeroed outside the map lock: the program's other
    // threads fault meanwhile. Given back when the fault is not this one's.
    void* page = Heap::allocate_pages(1);
    if (!page)
        return false; // the caches give memory back under the big lock
    if (!map_fresh_page(address, flags, page)) {
        Heap::free_pages(page, 1);
        return false;
    }
    return true;
}

bool AddressSpace::map_fresh_page(uintptr_t address, uint32_t flags, void* page)
{
    SpinGuard guard(m_map_lock);
    if (m_changes)
        return false;
    const Region* r = region_at(address);
    if (!r || r->shared)
        return false; // a segmentation fault, or an object's page
    if (!access_allowed(*r, flags))
        return false;
    uintptr_t va = page_down(address), number = va / kPage;
    // A page in the map is copy-on-write or a forked child's first touch;
    // a leaf shared with a forked child would be copied, its pages
    // gaining owners another space counts too.
    if (m_pages.get(number) || !m_pages.own_without_copy(number))
        return false;
    // Fresh, and in a leaf of this map's alone: the region's own rights.
    // The page table entry is missing (not in the map), so mapping it
    // replaces nothing and needs no other CPU's TLB flushed.
    if (!m_pages.own(number) || husk_plat_aspace_map(m_platform, va, page, r->prot) != 0)
        return false;
    (void)m_pages.set(number, page);
    count_pages();
    return true;
}

bool AddressSpace::populate(uintptr_t start, size_t len, unsigned needed)
{
    Change change(*this);
    uintptr_t end = start + len;
    if (end < start)
        return false;
    for (uintptr_t va = page_down(start); va < end; va += kPage) {
        Fault failure;
        const Region* r = region_with_object_page(va, failure);
        if (!r || (r->prot & needed) != needed)
            return false;
        if (!((needed & HUSK_PROT_WRITE) ? writable_page_for(va, *r) : page_for(va, *r)))
            return false;
    }
    return true;
}

ErrorOr<void> AddressSpace::write(uintptr_t address, const void* data, size_t len)
{
    Change change(*this);
    auto* src = static_cast<const uint8_t*>(data);
    while (len) {
        Fault failure;
        const Region* r = region_with_object_page(address, failure);
        if (!r && failure == Fault::BusError)
            return err(kstd::EIO);
        if (!r && failure == Fault::Resolved)
            return err(kstd::EFAULT);
        auto* page = r ? static_cast<uint8_t*>(writable_page_for(page_down(address), *r)) : nullptr;
        // The kernel writing (exec, fork) may wait for the caches' memory;
        // the regions may have changed meanwhile.
        if (!page && Reclaim::reclaim(1) && (r = region_with_object_page(address, failure)))
            page = static_cast<uint8_t*>(writable_page_for(page_down(address), *r));
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
    Change change(*this);
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
