#include "PhysicalMemory.h"
#include "BootInfo.h"
#include "Cpu.h"

extern "C" char husk_image_start[], husk_image_end[];

namespace husk::x86 {

namespace {
constexpr uint64_t kLowMemoryEnd = 0x100000; // firmware and legacy areas
constexpr uint64_t kPageMask = ~uint64_t(kPage - 1);

uint64_t g_next;       // bump pointer (physical)
uint64_t g_limit;      // end of the RAM range g_next lives in
bool g_direct_map_live;
bool g_sealed;
uint64_t g_pool; // free list of reserved frames (next pointer in each)
size_t g_pool_count;

// One frame per 2 MiB of RAM covers splitting every huge page of the direct
// map (guard pages under thread stacks) plus a margin for MMIO and
// application mappings.
size_t pool_target()
{
    uint64_t ram = 0;
    for (size_t i = 0; i < BootInfo::ram_count(); ++i)
        ram += BootInfo::ram(i).size;
    size_t pages = size_t(ram >> 21) + 24;
    return pages > 1024 ? 1024 : pages;
}

// Physical ranges never given to the kernel: legacy low memory, the image
// plus the platform's early frames, and the loader's modules.
size_t reserved_ranges(PhysRange* out)
{
    size_t n = 0;
    out[n++] = { 0, kLowMemoryEnd };
    uint64_t image = virt_to_phys(husk_image_start);
    out[n++] = { image, g_next - image };
    for (size_t i = 0; i < BootInfo::module_count(); ++i) {
        const auto& m = BootInfo::module(i);
        uint64_t base = m.phys & kPageMask;
        uint64_t end = (m.phys + m.size + kPage - 1) & kPageMask;
        out[n++] = { base, end - base };
    }
    return n;
}

// Plain stores, 64 bytes per iteration: GCC inlines a memset of a known
// size as rep stosq, which TCG runs as one pass per 8 bytes.
void zero_frame(void* va)
{
    auto* w = static_cast<uint64_t*>(va);
    for (size_t i = 0; i < kPage / 8; i += 8) {
        w[i] = w[i + 1] = w[i + 2] = w[i + 3] = 0;
        w[i + 4] = w[i + 5] = w[i + 6] = w[i + 7] = 0;
        asm volatile("" ::: "memory"); // not recognised as a memset
    }
}

// First reserved range overlapping [p, end), or nullptr.
const PhysRange* overlap(const PhysRange* rs, size_t n, uint64_t p, uint64_t end)
{
    const PhysRange* first = nullptr;
    for (size_t i = 0; i < n; ++i)
        if (rs[i].base < end && rs[i].end() > p && (!first || rs[i].base < first->base))
            first = &rs[i];
    return first;
}
} // namespace

uint64_t PhysicalMemory::image_phys_end() { return virt_to_phys(husk_image_end); }

bool PhysicalMemory::init()
{
    uint64_t start = image_phys_end();
    for (size_t i = 0; i < BootInfo::ram_count(); ++i) {
        const auto& r = BootInfo::ram(i);
        if (start >= r.base && start < r.end()) {
            g_next = start;
            g_limit = r.end();
            return true;
        }
    }
    return false;
}

void PhysicalMemory::direct_map_live() { g_direct_map_live = true; }

uint64_t PhysicalMemory::take_page()
{
    uint64_t p = take_frame();
    if (!p)
        return 0;
    // Before Paging switches, the boot tables identity-map the first GiB.
    void* va = g_direct_map_live ? phys_to_virt(p) : reinterpret_cast<void*>(p);
    zero_frame(va);
    return p;
}

uint64_t PhysicalMemory::take_frame()
{
    uint64_t p = 0;
    if (g_sealed) {
        if (!g_pool)
            return 0;
        p = g_pool;
        g_pool = *static_cast<uint64_t*>(phys_to_virt(p));
        --g_pool_count;
    } else {
        // Step over modules the loader placed right after the image.
        for (size_t i = 0; i < BootInfo::module_count(); ++i) {
            const auto& m = BootInfo::module(i);
            if (g_next + kPage > (m.phys & kPageMask) && g_next < m.phys + m.size)
                g_next = (m.phys + m.size + kPage - 1) & kPageMask;
        }
        if (g_next + kPage > g_limit)
            return 0;
        p = g_next;
        g_next += kPage;
    }
    return p;
}

uint64_t PhysicalMemory::take_contiguous(size_t count)
{
    if (g_sealed || !count)
        return 0;
    uint64_t first = take_page();
    uint64_t last = first;
    for (size_t i = 1; first && i < count; ++i) {
        uint64_t p = take_page();
        if (p != last + kPage)
            return 0; // a module interrupted the run (the frames are lost: boot-time only)
        last = p;
    }
    return first;
}

void PhysicalMemory::seal()
{
    size_t target = pool_target();
    while (g_pool_count < target) {
        // Not zeroed here: take_page zeroes a pool frame when it hands it out.
        uint64_t p = take_frame();
        if (!p)
            break;
        *static_cast<uint64_t*>(phys_to_virt(p)) = g_pool;
        g_pool = p;
        ++g_pool_count;
    }
    g_sealed = true;
}

size_t PhysicalMemory::pool_free() { return g_pool_count; }

size_t PhysicalMemory::kernel_regions(husk_mem_region* out, size_t max)
{
    PhysRange reserved[2 + BootInfo::kMaxModules];
    size_t nres = reserved_ranges(reserved);
    size_t n = 0;
    for (size_t i = 0; i < BootInfo::ram_count(); ++i) {
        const auto& r = BootInfo::ram(i);
        uint64_t p = r.base;
        while (p < r.end()) {
            const PhysRange* hole = overlap(reserved, nres, p, r.end());
            uint64_t end = hole ? (hole->base > p ? hole->base : p) : r.end();
            if (end > p) {
                if (n < max)
                    out[n] = { reinterpret_cast<uintptr_t>(phys_to_virt(p)), size_t(end - p) };
                ++n;
            }
            if (!hole)
                break;
            p = hole->end() > end ? hole->end() : end + kPage;
        }
    }
    return n;
}

} // namespace husk::x86
