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
    void* unmap(uintptr_t va);
    int protect(uintptr_t va, unsigned prot);

private:
    // The PTE for va, creating the tables above it if asked; nullptr if
    // absent (or out of memory when creating).
    uint64_t* pte(uintptr_t va, bool create);
    static void free_tables(uint64_t table_phys, int level);
    uint64_t m_root = 0; // physical
};

} // namespace husk::x86
