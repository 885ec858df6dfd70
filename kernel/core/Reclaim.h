// Memory pressure: caches that give memory back when it runs short (Linux's
// shrinkers; the buffer cache is one). They are asked at safe points only,
// where the caller holds nothing and may sleep: a page fault that found no
// page (before the program is killed), a user copy that could not bring a
// page in, the entry of a system call when free memory is below the low
// watermark. Never inside the allocator: its callers may be half-way
// through a change. A cache also keeps itself below the watermark at its
// own entry points (without sleeping there).
#pragma once

#include "../kstd/Types.h"

namespace husk {

struct ReclaimStats {
    size_t runs;        // reclaim() calls that asked the caches
    size_t pages_freed; // free pages gained by them
};

class Reclaim {
public:
    // Gives back memory worth up to `pages` pages, least recently used
    // first; writes dirty data back first (sleeping) only if `may_wait`.
    // Returns how many pages it freed.
    using Shrinker = size_t (*)(size_t pages, bool may_wait);
    static void add_shrinker(Shrinker shrinker);

    // Free pages below which the caches shrink (1/64 of the memory, at
    // least 256 KiB, at most 4 MiB), and what a reclaim aims for (twice it).
    static size_t low_watermark();
    static size_t high_watermark() { return 2 * low_watermark(); }
    static bool below_low_watermark();

    // At a safe point: asks the caches for memory until free pages reach
    // the high watermark (or at least `pages` more are free) or none has
    // more to give. Whether any page was freed.
    static bool reclaim(size_t pages = 0);
    // At a safe point, cheaply: reclaim() when below the low watermark.
    static void balance()
    {
        if (below_low_watermark())
            (void)reclaim();
    }
    static ReclaimStats stats();
};

} // namespace husk
