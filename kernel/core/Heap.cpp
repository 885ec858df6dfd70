#include "Heap.h"
#include "../kstd/Memory.h"
#include "Panic.h"
#include "SpinLock.h"

namespace husk {

namespace {

// Small objects come from slabs: one page per slab, all slots of one class.
constexpr size_t kClassSizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
constexpr size_t kClassCount = sizeof(kClassSizes) / sizeof(kClassSizes[0]);
constexpr size_t kMaxRegions = 8;
// Free pages are counted per chunk of 512, so that a search for free pages
// skips full chunks: a process's 256 MiB of pages in a row costs 128
// looks, not 65536.
constexpr size_t kChunk = 512;

// Per-page tag: what the page currently holds.
enum PageKind : uint8_t { PageFree = 0, PageSlab = 1, PageLargeHead = 2, PageLargeTail = 3, PageRaw = 4, PageMeta = 5 };

struct FreeSlot {
    FreeSlot* next;
};

} // namespace

struct Heap::Region {
    uintptr_t base;
    size_t pages;
    size_t free_pages;    // lets a full region be skipped without a scan
    uint8_t* kind;        // PageKind per page
    uint32_t* info;       // slab: class index; large head: page count; raw: page_word
    uint16_t* chunk_free; // free pages per kChunk pages
    size_t search_hint;
};

namespace {

Heap::Region g_regions_storage[kMaxRegions];
size_t g_region_count;
FreeSlot* g_free_slots[kClassCount];
HeapStats g_stats;
// Guards the free lists, the page tags and counts, and the statistics
// once other CPUs run (SmpSpinGuard): page faults of anonymous memory
// allocate without the big lock. A leaf: nothing is taken while it is
// held. The frame table's words (page_word) are their pages' holders' to
// guard.
SpinLock g_lock;

} // namespace

bool Heap::init(const husk_mem_region* regions, size_t count)
{
    g_region_count = 0;
    for (size_t i = 0; i < count && g_region_count < kMaxRegions; ++i) {
        uintptr_t base = kstd::align_up<uintptr_t>(regions[i].base, kPageSize);
        uintptr_t end = kstd::align_down<uintptr_t>(regions[i].base + regions[i].size, kPageSize);
        if (end <= base || (end - base) / kPageSize < 16)
            continue;
        size_t pages = (end - base) / kPageSize;
        // Metadata (info + kind per page, free pages per chunk) sits at the
        // start of the region.
        size_t chunks = (pages + kChunk - 1) / kChunk;
        size_t chunk_at = kstd::align_up<size_t>(pages * (sizeof(uint32_t) + sizeof(uint8_t)), sizeof(uint16_t));
        size_t meta_bytes = chunk_at + chunks * sizeof(uint16_t);
        size_t meta_pages = (meta_bytes + kPageSize - 1) / kPageSize;
        auto& r = g_regions_storage[g_region_count++];
        r.base = base;
        r.pages = pages;
        r.info = reinterpret_cast<uint32_t*>(base);
        r.kind = reinterpret_cast<uint8_t*>(base + pages * sizeof(uint32_t));
        r.chunk_free = reinterpret_cast<uint16_t*>(base + chunk_at);
        memset(r.kind, PageFree, pages);
        for (size_t c = 0; c < chunks; ++c)
            r.chunk_free[c] = uint16_t(c + 1 < chunks ? kChunk : pages - c * kChunk);
        for (size_t p = 0; p < meta_pages; ++p) {
            r.kind[p] = PageMeta;
            --r.chunk_free[p / kChunk];
        }
        r.search_hint = meta_pages;
        r.free_pages = pages - meta_pages;
        g_stats.total_pages += pages - meta_pages;
        g_stats.free_pages += pages - meta_pages;
    }
    return g_region_count > 0;
}

Heap::Region* Heap::region_of(const void* ptr)
{
    auto a = reinterpret_cast<uintptr_t>(ptr);
    for (size_t i = 0; i < g_region_count; ++i) {
        auto& r = g_regions_storage[i];
        if (a >= r.base && a < r.base + r.pages * kPageSize)
            return &r;
    }
    return nullptr;
}

void* Heap::allocate_pages(size_t count)
{
    void* mem;
    {
        SmpSpinGuard guard(g_lock);
        mem = take_pages(count);
    }
    if (mem)
        memset(mem, 0, count * kPageSize);
    return mem;
}

void* Heap::take_pages(size_t count)
{
    if (count == 0 || count > g_stats.free_pages)
        return nullptr; // fail fast: a full kernel must not crawl
    for (size_t i = 0; i < g_region_count; ++i) {
        auto& r = g_regions_storage[i];
        if (r.free_pages < count)
            continue;
        // First fit from the hint, then once more from the start.
        for (int pass = 0; pass < 2; ++pass) {
            size_t start = pass == 0 ? r.search_hint : 0;
            size_t run = 0;
            for (size_t p = start; p < r.pages; ++p) {
                if (run == 0 && r.chunk_free[p / kChunk] == 0) {
                    p = (p / kChunk + 1) * kChunk - 1; // a full chunk: the next
                    continue;
                }
                run = r.kind[p] == PageFree ? run + 1 : 0;
                if (run == count) {
                    size_t first = p + 1 - count;
                    for (size_t q = first; q <= p; ++q) {
                        r.kind[q] = PageRaw;
                        r.info[q] = 0;
                        --r.chunk_free[q / kChunk];
                    }
                    r.search_hint = p + 1;
                    r.free_pages -= count;
                    g_stats.free_pages -= count;
                    return reinterpret_cast<void*>(r.base + first * kPageSize);
                }
            }
        }
    }
    return nullptr;
}

void Heap::free_pages(void* base, size_t count)
{
    SmpSpinGuard guard(g_lock);
    release_pages(base, count);
}

void Heap::release_pages(void* base, size_t count)
{
    Region* r = region_of(base);
    if (!r)
        panic("free_pages: %p is not kernel memory", base);
    size_t first = (reinterpret_cast<uintptr_t>(base) - r->base) / kPageSize;
    for (size_t q = first; q < first + count; ++q) {
        if (r->kind[q] == PageFree || r->kind[q] == PageMeta)
            panic("free_pages: page %p freed twice", reinterpret_cast<void*>(r->base + q * kPageSize));
        r->kind[q] = PageFree;
        ++r->chunk_free[q / kChunk];
    }
    if (first < r->search_hint)
        r->search_hint = first;
    r->free_pages += count;
    g_stats.free_pages += count;
}

uint32_t& Heap::page_word(const void* page)
{
    // The first region is nearly always the page's: one compare, then the index.
    auto a = reinterpret_cast<uintptr_t>(page);
    Region* r = &g_regions_storage[0];
    if (a - r->base >= r->pages * kPageSize && !(r = region_of(page)))
        panic("page_word: %p is not kernel memory", page);
    return r->info[(a - r->base) / kPageSize];
}

void* Heap::allocate(size_t size)
{
    if (size == 0)
        size = 1;
    SmpSpinGuard guard(g_lock);
    for (size_t c = 0; c < kClassCount; ++c) {
        if (size > kClassSizes[c])
            continue;
        if (!g_free_slots[c]) {
            void* page = take_pages(1);
            if (!page) {
                ++g_stats.failed_allocations;
                return nullptr;
            }
            Region* r = region_of(page);
            size_t index = (reinterpret_cast<uintptr_t>(page) - r->base) / kPageSize;
            r->kind[index] = PageSlab;
            r->info[index] = uint32_t(c);
            for (size_t off = 0; off + kClassSizes[c] <= kPageSize; off += kClassSizes[c]) {
                auto* slot = reinterpret_cast<FreeSlot*>(static_cast<char*>(page) + off);
                slot->next = g_free_slots[c];
                g_free_slots[c] = slot;
            }
        }
        FreeSlot* slot = g_free_slots[c];
        g_free_slots[c] = slot->next;
        g_stats.heap_bytes_in_use += kClassSizes[c];
        ++g_stats.allocations;
        return slot;
    }
    size_t pages = (size + kPageSize - 1) / kPageSize;
    void* mem = take_pages(pages); // kmalloc does not zero (kcalloc does)
    if (!mem) {
        ++g_stats.failed_allocations;
        return nullptr;
    }
    Region* r = region_of(mem);
    size_t index = (reinterpret_cast<uintptr_t>(mem) - r->base) / kPageSize;
    r->kind[index] = PageLargeHead;
    r->info[index] = uint32_t(pages);
    for (size_t q = 1; q < pages; ++q)
        r->kind[index + q] = PageLargeTail;
    g_stats.heap_bytes_in_use += pages * kPageSize;
    ++g_stats.allocations;
    return mem;
}

void Heap::free(void* ptr)
{
    if (!ptr)
        return;
    SmpSpinGuard guard(g_lock);
    Region* r = region_of(ptr);
    if (!r)
        panic("kfree: %p is not kernel memory", ptr);
    size_t index = (reinterpret_cast<uintptr_t>(ptr) - r->base) / kPageSize;
    ++g_stats.frees;
    if (r->kind[index] == PageSlab) {
        size_t c = r->info[index];
        if ((reinterpret_cast<uintptr_t>(ptr) - r->base) % kClassSizes[c] != 0)
            panic("kfree: %p is not the start of an object", ptr);
        auto* slot = static_cast<FreeSlot*>(ptr);
        slot->next = g_free_slots[c];
        g_free_slots[c] = slot;
        g_stats.heap_bytes_in_use -= kClassSizes[c];
        return;
    }
    if (r->kind[index] == PageLargeHead && reinterpret_cast<uintptr_t>(ptr) % kPageSize == 0) {
        size_t pages = r->info[index];
        g_stats.heap_bytes_in_use -= pages * kPageSize;
        for (size_t q = 0; q < pages; ++q)
            r->kind[index + q] = PageRaw;
        release_pages(ptr, pages);
        return;
    }
    panic("kfree: bad pointer %p (page kind %u)", ptr, unsigned(r->kind[index]));
}

HeapStats Heap::stats()
{
    SmpSpinGuard guard(g_lock);
    return g_stats;
}

} // namespace husk

namespace kstd {

void* kmalloc(size_t size) { return husk::Heap::allocate(size); }
void kfree(void* ptr) { husk::Heap::free(ptr); }
void* kcalloc(size_t size)
{
    void* p = husk::Heap::allocate(size);
    if (p)
        memset(p, 0, size);
    return p;
}

} // namespace kstd
