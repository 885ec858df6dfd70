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
    void unmap_range(uintptr_t start, uintptr_t end);
    // Copies the mappings of [start, end) into child (fork); with
    // copy_on_write, the writable ones lose write rights in both. Sets
    // *write_protected when a mapping of this space lost them.
    int fork_into(UserAddressSpace& child, uintptr_t start, uintptr_t end, bool copy_on_write, bool* write_protected);
    // Flushes the TLB if this space is the CPU's (after changing many entries).
    void flush();

private:
    // The PTE for va, creating the tables above it if asked; nullptr if
    // absent (or out of memory when creating).
    uint64_t* pte(uintptr_t va, bool create);
    static void free_tables(uint64_t table_phys, int level);
    static bool copy_tables(uint64_t* from, uint64_t* to, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                            bool copy_on_write, bool* write_protected);
    static void clear_tables(uint64_t* table, int level, uintptr_t base, uintptr_t start, uintptr_t end);
    uint64_t m_root = 0; // physical
};

} // namespace husk::x86
