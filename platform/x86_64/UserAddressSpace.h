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
    void unmap(uintptr_t start, uintptr_t end);
    // Takes write rights from the mappings of [start, end); sets *changed
    // when some had them (the TLB must be flushed).
    void write_protect(uintptr_t start, uintptr_t end, bool* changed);
    // Flushes the TLB if this space is the CPU's (after changing many entries).
    void flush();

private:
    // The PTE for va, creating the tables above it if asked; nullptr if
    // absent (or out of memory when creating). *pde: the directory entry
    // above it.
    uint64_t* pte(uintptr_t va, bool create, uint64_t** pde = nullptr);
    static void free_tables(uint64_t table_phys, int level);
    static void write_protect_tables(uint64_t* table, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                                     bool* changed);
    // Before a page under the directory entry *pde gets write rights: if
    // write_protect took them from the whole table, each page loses them
    // instead.
    static void allow_writes(uint64_t* pde);
    static void clear_tables(uint64_t* table, int level, uintptr_t base, uintptr_t start, uintptr_t end);
    uint64_t m_root = 0; // physical
};

} // namespace husk::x86
