#include "Reclaim.h"
#include "Heap.h"

namespace husk {

namespace {
constexpr size_t kMaxShrinkers = 4;
Reclaim::Shrinker g_shrinkers[kMaxShrinkers];
size_t g_shrinker_count;
ReclaimStats g_stats;
// A shrinker writing back sleeps, and another thread may reach a safe
// point meanwhile: that one takes clean memory only.
bool g_writing;
} // namespace

void Reclaim::add_shrinker(Shrinker shrinker)
{
    for (size_t i = 0; i < g_shrinker_count; ++i)
        if (g_shrinkers[i] == shrinker)
            return;
    if (g_shrinker_count < kMaxShrinkers)
        g_shrinkers[g_shrinker_count++] = shrinker;
}

size_t Reclaim::low_watermark()
{
    constexpr size_t kMin = (256 << 10) / kPageSize, kMax = (4 << 20) / kPageSize;
    size_t pages = Heap::stats().total_pages / 64;
    return pages < kMin ? kMin : pages > kMax ? kMax : pages;
}

bool Reclaim::below_low_watermark() { return Heap::stats().free_pages < low_watermark(); }

bool Reclaim::reclaim(size_t pages)
{
    if (g_shrinker_count == 0)
        return false;
    size_t before = Heap::stats().free_pages;
    size_t goal = before + pages > high_watermark() ? before + pages : high_watermark();
    ++g_stats.runs;
    // Clean memory first (no I/O); writing dirty data back only if that
    // was not enough.
    for (int pass = 0; pass < 2; ++pass) {
        bool may_wait = pass == 1;
        if (may_wait) {
            if (g_writing)
                break;
            g_writing = true;
        }
        for (size_t i = 0; i < g_shrinker_count; ++i) {
            size_t free = Heap::stats().free_pages;
            if (free >= goal)
                break;
            g_shrinkers[i](goal - free, may_wait);
        }
        if (may_wait)
            g_writing = false;
        if (Heap::stats().free_pages >= goal)
            break;
    }
    size_t after = Heap::stats().free_pages;
    if (after <= before)
        return false;
    g_stats.pages_freed += after - before;
    return true;
}

ReclaimStats Reclaim::stats() { return g_stats; }

} // namespace husk
