// An application's address space: its regions (start, end, rights — what
// mmap, brk, shmat and the ELF loader create) and the pages behind them,
// filled on first touch (demand paging). The platform holds the page
// tables (husk_plat_aspace_*); this object decides what may be mapped
// where, and its PageMap says what is. One per process; threads share it,
// fork() copies it: the child maps the same pages, private ones
// copy-on-write, shared ones for good (a SharedMemory object holds them:
// MAP_SHARED anonymous memory, a ramfs file, a System V segment).
//
// Locking: everything runs under the big lock but fault_unlocked, which a
// program's thread runs on any CPU without it, for the commonest fault: a
// first touch of private anonymous memory. It holds the map lock and
// changes only the page map and the page tables, never the regions. Every
// other operation that reads the page map or changes anything is a
// *change* (Change, below): it stops new unlocked faults for its duration
// (sleeps included) and waits for one under way, so code under the big
// lock sees this space as it did on one CPU.
#pragma once

#include <husk/platform.h>
#include "../core/SpinLock.h"
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/String.h"
#include "../kstd/Vector.h"
#include "PageMap.h"
#include "SharedMemory.h"

namespace husk {

// What /proc/PID/maps names a region by (Linux's vm_file, or a special
// mapping's name): a file's path, device and inode, or "[stack]", "[vdso]",
// "[vvar]" (device and inode 0). The pieces of a cut region share it.
struct RegionName : kstd::RefCounted<RegionName>, kstd::HeapObject {
    kstd::String text;
    uint64_t dev { 0 }, ino { 0 };
    // Null without memory (the region is then shown unnamed).
    static kstd::RefPtr<RegionName> make(kstd::StringView text, uint64_t dev = 0, uint64_t ino = 0);
};

class AddressSpace : public kstd::RefCounted<AddressSpace>, public kstd::HeapObject {
public:
    static constexpr size_t kPage = 4096;
    // vm.overcommit_memory: 1, always. No commit accounting: a mapping never
    // fails for want of memory; its pages are found when touched.
    static constexpr int kOvercommitPolicy = 1;

    // A new, empty space; ENOSYS where the platform runs no applications.
    static kstd::ErrorOr<kstd::RefPtr<AddressSpace>> create();
    ~AddressSpace();

    // The address space of the current process, or nullptr (local clients).
    // Processes own address spaces and sit above mm, so proc tells mm how
    // to find it (at boot; before that, there is none).
    static AddressSpace* current();
    using CurrentLookup = AddressSpace* (*)();
    static void set_current_lookup(CurrentLookup lookup);
    void activate();
    // The platform's handle (threads carry it: the scheduler activates it).
    husk_aspace_t* platform_handle() const { return m_platform; }

    // A copy of this space for fork(2): the same regions and break, and
    // every page mapped here mapped there too. Private pages become
    // copy-on-write in both (read-only until the first write, which copies
    // the page, or takes it back when the other side has let go of it);
    // MAP_SHARED pages stay shared and writable.
    kstd::ErrorOr<kstd::RefPtr<AddressSpace>> fork();

    // Private memory (each process its own after a fork) or MAP_SHARED
    // anonymous memory (one set of pages, shared across fork).
    enum class Sharing { Private, Shared };
    // What a new region maps: private memory (no object), or the pages of
    // a shared object from first_page on (a file's MAP_SHARED view at an
    // offset, a System V segment). may_write: whether mprotect may grant
    // PROT_WRITE later (Linux's VM_MAYWRITE: not for a file opened
    // read-only, nor an attachment made with SHM_RDONLY).
    // private_copy: a MAP_PRIVATE view of the object (a file's cache): its
    // pages until this space writes one, which copies it.
    struct Backing {
        kstd::RefPtr<SharedMemory> shared;
        size_t first_page { 0 };
        bool may_write { true };
        bool private_copy { false };
        kstd::RefPtr<RegionName> name; // /proc/PID/maps: the file, [stack], ...
        uint64_t name_offset { 0 };    // the file's byte at the region's start
    };

    struct Region {
        uintptr_t start, end; // page aligned
        unsigned prot;        // HUSK_PROT_*
        kstd::RefPtr<SharedMemory> shared; // shared memory: its pages (null: private)
        size_t shared_first { 0 };        // the page of `shared` at `start`
        bool may_write { true };          // mprotect may add HUSK_PROT_WRITE
        bool private_copy { false };      // `shared`'s pages until written (MAP_PRIVATE of a file)
        kstd::RefPtr<RegionName> name;    // what /proc/PID/maps shows (null: anonymous)
        uint64_t name_offset { 0 };       // its file's byte at `start`
        // The page of `shared` at va (page aligned, inside).
        size_t object_page(uintptr_t va) const { return shared_first + (va - start) / kPage; }
        // [from, to) of this region, with rights `rights`.
        Region piece(uintptr_t from, uintptr_t to, unsigned rights) const;
    };

    // Reserves [start, start+len) (page aligned, inside the user range) with
    // `prot`, replacing what was there (its pages are released).
    kstd::ErrorOr<void> map_fixed(uintptr_t start, size_t len, unsigned prot, Sharing sharing = Sharing::Private);
    kstd::ErrorOr<void> map_fixed(uintptr_t start, size_t len, unsigned prot, Backing backing);
    // Finds room for len bytes, top down below the stack area; returns it.
    kstd::ErrorOr<uintptr_t> map_anywhere(size_t len, unsigned prot, Sharing sharing = Sharing::Private);
    kstd::ErrorOr<uintptr_t> map_anywhere(size_t len, unsigned prot, Backing backing);
    // The start of a free gap of len bytes, top down below the stack area
    // (where map_anywhere would map; for several regions side by side).
    kstd::ErrorOr<uintptr_t> find_free(size_t len) const;
    kstd::ErrorOr<void> unmap(uintptr_t start, size_t len);
    // Unmaps the regions inside [start, start+len) that map `object`,
    // leaving the others (shmdt(2)).
    kstd::ErrorOr<void> unmap_object(uintptr_t start, size_t len, const SharedMemory& object);
    // EACCES when a region of the range may not become writable (may_write).
    kstd::ErrorOr<void> protect(uintptr_t start, size_t len, unsigned prot);
    // Takes away this space's mappings of object's pages from index `first`
    // on (SharedMemory::discard_from: the object shrinks); the regions stay.
    void drop_object_pages(const SharedMemory& object, size_t first);
    // Gives object's pages mapped here the rights they have now: a file
    // cache cleaned them (SharedMemory::take_dirty), so shared views map
    // them read-only until the next write.
    void reprotect_object(const SharedMemory& object);
    // mremap(2): [old_start, old_start+old_len) inside one region, grown or
    // shrunk to new_len, in place or (may_move) elsewhere, at new_start
    // when `fixed`; its pages go along. The new start; Linux's errors.
    kstd::ErrorOr<uintptr_t> remap(uintptr_t old_start, size_t old_len, size_t new_len, bool may_move, bool fixed,
                                   uintptr_t new_start);
    // mincore(2): whether the page at va (page aligned, in a region) is in
    // memory: mapped here, or held by the object a file mapping views.
    bool resident(uintptr_t va) const;
    // Whether [start, start+len) is wholly covered by regions / touches none.
    bool covered(uintptr_t start, size_t len) const;
    bool is_free(uintptr_t start, size_t len) const;
    // Releases the pages of [start, start+len) (MADV_DONTNEED): the regions
    // stay, the next touch finds zeros (private memory) or the shared pages.
    // ENOMEM: nothing released (see PageMap::drop).
    kstd::ErrorOr<void> discard(uintptr_t start, size_t len);

    // Resolves a page fault of the application: Resolved if the access is
    // allowed (the page is now mapped), Refused for a segmentation fault,
    // OutOfMemory when it is allowed but no page is left to back it,
    // BusError when the object's page cannot be had: past its end (a
    // file's mapping past the end of the file, perhaps truncated while the
    // page was read) or a disk error reading it (Linux's VM_FAULT_SIGBUS:
    // SIGBUS, BUS_ADRERR at the address).
    enum class Fault { Resolved, Refused, OutOfMemory, BusError };
    Fault handle_fault(uintptr_t address, uint32_t fault_flags);
    // The same without the big lock, for a first touch of private
    // anonymous memory that a free page resolves: true when resolved;
    // false leaves everything else (rights refused, copy-on-write, file
    // pages, a shared leaf after fork, no free page, a change under way)
    // to handle_fault under the big lock.
    bool fault_unlocked(uintptr_t address, uint32_t fault_flags);
    // Maps every page of [start, start+len) that regions allow (kernel
    // copies into fresh memory go through here; with HUSK_PROT_WRITE
    // needed, copy-on-write pages are copied first); false if some page is
    // not in a region with `needed` rights, or no memory is left.
    bool populate(uintptr_t start, size_t len, unsigned needed);
    // Copies into the space regardless of rights (the loader writes
    // read-only text), copying copy-on-write pages first; the range must be
    // covered.
    kstd::ErrorOr<void> write(uintptr_t address, const void* data, size_t len);

    // The program break (brk(2)): [brk_start, brk_end) is a region.
    void set_brk_start(uintptr_t start) { m_brk_start = m_brk_end = start; }
    uintptr_t brk_start() const { return m_brk_start; }
    uintptr_t brk_end() const { return m_brk_end; }
    uintptr_t brk(uintptr_t requested);

    // Pages mapped in this space (shared ones included), and the most there
    // have been (ru_maxrss). Unlocked faults may be adding to them: a
    // figure of a moment, as Linux's RSS counters.
    size_t resident_pages() const { return __atomic_load_n(&m_pages_mapped, __ATOMIC_RELAXED); }
    size_t peak_resident_pages() const { return __atomic_load_n(&m_pages_peak, __ATOMIC_RELAXED); }
    // Bytes the regions span (/proc/PID/stat's vsize, status's VmSize).
    size_t mapped_bytes() const
    {
        size_t n = 0;
        for (const Region& r : m_regions)
            n += r.end - r.start;
        return n;
    }
    const Region* region_at(uintptr_t address) const;
    // The regions, sorted by address.
    const kstd::Vector<Region>& regions() const { return m_regions; }
    // What backs `address` when it is MAP_SHARED memory: the shared object
    // and the byte offset within it, the same in every space that maps it
    // (process-shared futexes key on it, as Linux keys on inode and page
    // offset). No memory for private (and unmapped) addresses.
    struct SharedKey {
        kstd::RefPtr<SharedMemory> memory;
        uint64_t offset { 0 };
    };
    SharedKey shared_key(uintptr_t address) const;

private:
    AddressSpace() = default;
    // For its scope, no unlocked fault runs: taken by every operation but
    // the region queries (unlocked faults never change the regions). It
    // may sleep meanwhile; it nests.
    class Change {
    public:
        explicit Change(const AddressSpace& space);
        ~Change();
        Change(const Change&) = delete;
        Change& operator=(const Change&) = delete;

    private:
        const AddressSpace& m_space;
    };
    // fault_unlocked's part under the map lock: maps `page` (fresh,
    // zeroed) at the fault's page; false: it is not such a fault.
    bool map_fresh_page(uintptr_t address, uint32_t flags, void* page);
    // After the page map changed: the figures resident_pages reads.
    void count_pages();
    // The region at va, with its object's page for va in memory where this
    // space maps none yet (a file's page is read from the disk first). That
    // read sleeps, and the program's other threads may change this space
    // meanwhile, so the region is looked up again after it: a Region
    // reference is never held across a sleep. nullptr: no region there, or
    // the page could not be had (`failure`: OutOfMemory, or BusError for a
    // disk error or a page past the end; Resolved otherwise).
    const Region* region_with_object_page(uintptr_t va, Fault& failure);
    // Kernel page backing page-aligned va of region r, mapping one (fresh
    // and zeroed, or the shared memory's) if needed; nullptr: no memory.
    // Never sleeps: r comes from region_with_object_page.
    void* page_for(uintptr_t va, const Region& r);
    // The same, but a page this space may write, mapped writable: a
    // copy-on-write page is copied first (or taken back when no one else
    // holds it).
    void* writable_page_for(uintptr_t va, const Region& r);
    // Unmaps the pages of [start, end), releasing them; ENOMEM: they stay
    // (the next fault maps each again).
    kstd::ErrorOr<void> drop_pages(uintptr_t start, uintptr_t end);
    // Removes [start, end) from the regions; the shared file views cut go
    // to `written`, for write_back once the caller's regions are all in
    // place. Never sleeps: a change of the regions is whole before any
    // sleep (another thread's mmap would take a gap half-way filled).
    using Objects = kstd::Vector<kstd::RefPtr<SharedMemory>>;
    kstd::ErrorOr<void> carve(uintptr_t start, uintptr_t end, Objects& written);
    kstd::ErrorOr<void> insert(Region region); // into the sorted list, at its place (free)
    // A shared region of this space began (+n) or ceased (-1) to exist: its
    // object hears of it (SharedMemory::region_opened/closed).
    void regions_opened(const Region& r, size_t n);
    void region_closed(const Region& r);
    // The objects of the regions carved away write back what was written
    // through them (munmap): called with the regions updated. Sleeps.
    static void write_back(Objects& objects);
    // Moves the pages mapped at [from, from+len) to `to` (mremap).
    kstd::ErrorOr<void> move_pages(uintptr_t from, uintptr_t to, size_t len);
    // The rights the platform gives the page at va of region r: a private
    // page another space may reach is read-only until written (copied).
    unsigned rights(uintptr_t va, const Region& r) const;
    // After a forked child's first touch of va: maps the pages of its map
    // near va (of region r) too, as they are likely next.
    void map_around(uintptr_t va, const Region& r);

    husk_aspace_t* m_platform { nullptr };
    kstd::Vector<Region> m_regions;            // sorted, disjoint
    PageMap m_pages; // page number -> kernel page
    mutable SpinLock m_map_lock;      // held by an unlocked fault, or to begin a Change
    mutable unsigned m_changes { 0 }; // Changes under way (set under m_map_lock)
    size_t m_pages_mapped { 0 }, m_pages_peak { 0 }; // m_pages' size and peak, readable any time
    uintptr_t m_user_lo { 0 }, m_user_hi { 0 };
    uintptr_t m_brk_start { 0 }, m_brk_end { 0 };
};

} // namespace husk
