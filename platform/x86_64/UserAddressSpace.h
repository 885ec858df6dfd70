// An application address space (husk_aspace_t): its own top-level page
// table whose upper half is the kernel's (entries copied at creation: the
// kernel maps nothing outside the PML4 slots it had at boot), and lower-half
// tables built from pages the kernel lends (husk_kernel_page_alloc). The
// husk_aspace_t handle is the top-level table itself (its direct-map
// address), so an address space needs no memory besides its tables.
#pragma once

#include <husk/platform.h>

namespace husk::x86 {

class UserAddressSpace {
public:
    explicit UserAddressSpace(husk_aspace_t* handle);
    static husk_aspace_t* create();
    void destroy();
    void activate();
    int map(uintptr_t va, void* page, unsigned prot);
    int protect(uintptr_t va, unsigned prot);
    // The TLB entries a change of many mappings makes stale: a few pages,
    // invalidated one by one (INVLPG), or more, flushed at once (as Linux's
    // tlb_single_page_flush_ceiling).
    struct StaleEntries {
        static constexpr unsigned kMax = 32;
        uintptr_t pages[kMax];
        unsigned count = 0;
        bool all = false;
        void add(uintptr_t va)
        {
            if (count < kMax)
                pages[count++] = va;
            else
                all = true;
        }
    };
    void unmap(uintptr_t start, uintptr_t end);
    // Takes write rights from the mappings of [start, end), noting what
    // changed in *stale.
    void write_protect(uintptr_t start, uintptr_t end, StaleEntries* stale);
    // Drops the stale entries from the TLB if this space is the CPU's.
    void invalidate(const StaleEntries& stale);

private:
    // The PTE for va, creating the tables above it if asked; nullptr if
    // absent (or out of memory when creating). *pde: the directory entry
    // above it.
    uint64_t* pte(uintptr_t va, bool create, uint64_t** pde = nullptr);
    static void free_tables(uint64_t table_phys, int level);
    static void write_protect_tables(uint64_t* table, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                                     StaleEntries* stale);
    // Before a page under the directory entry *pde gets write rights: if
    // write_protect took them from the whole table, each page loses them
    // instead.
    static void allow_writes(uint64_t* pde);
    static void clear_tables(uint64_t* table, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                             StaleEntries* stale);
    uint64_t m_root = 0; // physical
};

} // namespace husk::x86
