// Physical page frames before and beside the kernel's own allocator: the
// platform takes a few pages (page tables, a small pool for later MMIO
// mappings and guard-page splits) right after the image, and hands every
// other RAM page to the kernel through husk_plat_mem_regions.
#pragma once

#include <husk/platform.h>
#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class PhysicalMemory {
public:
    // Sets up the frame allocator right after the loaded image.
    static bool init();
    // A zeroed 4 KiB frame (physical address), or 0 when the pool is empty.
    static uint64_t take_page();
    // Called by Paging once the direct map is in CR3 (frames are zeroed
    // through it from then on, through the boot identity map before).
    static void direct_map_live();
    // `count` physically contiguous zeroed frames (device rings), before
    // seal() only; 0 when not possible.
    static uint64_t take_contiguous(size_t count);
    // Stops handing out early frames except from the reserved pool, so the
    // rest can go to the kernel. Called once the final page tables exist.
    static void seal();
    // Frames left in the reserved pool.
    static size_t pool_free();
    // RAM the kernel may use (direct-map virtual addresses).
    static size_t kernel_regions(husk_mem_region* out, size_t max);
    static uint64_t image_phys_end();

private:
    static uint64_t take_frame(); // take_page without the zeroing
};

} // namespace husk::x86
