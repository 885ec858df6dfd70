// The platform's page tables: the image mapped with per-section permissions
// (text RX, rodata R, data RW, all supervisor-only, NX where not code), RAM
// in a direct map (RW, NX), MMIO mapped uncached on demand, and guard pages
// left unmapped. The lower half stays empty for the application.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class Paging {
public:
    // Builds the final tables and switches to them (drops the boot identity
    // map). Returns false if frames ran out.
    static bool init();

    // Maps [phys, phys+size) uncached at its direct-map address; returns it
    // (nullptr when out of page-table frames).
    static void* map_mmio(uint64_t phys, size_t size);

    // Removes the mapping of one 4 KiB page (a guard page): touching it
    // faults. Splits a 2 MiB mapping if needed. Returns false on no frames.
    static bool unmap_page(uintptr_t virt);
    // Undoes unmap_page for a direct-map page.
    static bool remap_direct_page(uintptr_t virt);

    // Maps one 4 KiB page of the lower half to phys for ring 3.
    static bool map_user_page(uintptr_t virt, uint64_t phys, bool writable, bool executable);

    // The kernel's own top-level table (physical): application address
    // spaces share its upper half.
    static uint64_t kernel_root();

    // Present mapping of virt, or 0; sets *writable/*user/*exec.
    static uint64_t translate(uintptr_t virt, bool* writable = nullptr, bool* user = nullptr, bool* exec = nullptr);
};

} // namespace husk::x86
