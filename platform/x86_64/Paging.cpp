#include "Paging.h"
#include "BootInfo.h"
#include "Cpu.h"
#include "PhysicalMemory.h"

extern "C" char husk_text_start[], husk_text_end[], husk_rodata_start[], husk_rodata_end[];
extern "C" char husk_data_start[], husk_image_end[], husk_x86_boot_stack_guard[];

namespace husk::x86 {

namespace {
constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kWriteThrough = 8, kNoCache = 16;
constexpr uint64_t kHuge = 0x80, kGlobal = 0x100, kNoExec = 1ull << 63;
constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;
constexpr uint64_t kLarge = 2ull << 20;

uint64_t g_pml4; // physical
bool g_live;

uint64_t* table(uint64_t phys)
{
    return static_cast<uint64_t*>(g_live ? phys_to_virt(phys) : reinterpret_cast<void*>(phys));
}

unsigned index(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

// Entry for va at `level` (0 = 4 KiB PTE, 1 = 2 MiB PDE), creating tables
// and splitting huge pages on the way. nullptr when out of frames.
uint64_t* walk(uintptr_t va, int level, bool create)
{
    uint64_t* t = table(g_pml4);
    for (int l = 3; l > level; --l) {
        uint64_t& e = t[index(va, l)];
        if (!(e & kPresent)) {
            if (!create)
                return nullptr;
            uint64_t frame = PhysicalMemory::take_page();
            if (!frame)
                return nullptr;
            // Intermediate levels allow everything; leaves decide.
            e = frame | kPresent | kWritable | kUser;
        } else if (e & kHuge) {
            if (!create)
                return &e;
            // Split a 2 MiB page into 512 small ones with the same rights.
            uint64_t frame = PhysicalMemory::take_page();
            if (!frame)
                return nullptr;
            uint64_t* small = table(frame);
            uint64_t base = e & kAddrMask & ~(kLarge - 1);
            uint64_t flags = (e & ~kAddrMask) & ~kHuge;
            for (unsigned i = 0; i < 512; ++i)
                small[i] = (base + i * kPage) | flags;
            e = frame | kPresent | kWritable | kUser;
        }
        t = table(e & kAddrMask);
    }
    return &t[index(va, level)];
}

bool map_page(uintptr_t va, uint64_t phys, uint64_t flags)
{
    uint64_t* e = walk(va, 0, true);
    if (!e)
        return false;
    *e = phys | flags | kPresent;
    if (g_live)
        invlpg(reinterpret_cast<void*>(va));
    return true;
}

bool map_range(uintptr_t va, uintptr_t end, uint64_t flags)
{
    for (; va < end; va += kPage)
        if (!map_page(va, virt_to_phys(reinterpret_cast<void*>(va)), flags))
            return false;
    return true;
}

bool map_direct(uint64_t base, uint64_t end)
{
    uint64_t p = base;
    while (p < end) {
        uintptr_t va = reinterpret_cast<uintptr_t>(phys_to_virt(p));
        if ((p & (kLarge - 1)) == 0 && p + kLarge <= end) {
            uint64_t* e = walk(va, 1, true);
            if (!e)
                return false;
            *e = p | kPresent | kWritable | kHuge | kGlobal | kNoExec;
            p += kLarge;
        } else {
            if (!map_page(va, p, kWritable | kGlobal | kNoExec))
                return false;
            p += kPage;
        }
    }
    return true;
}
} // namespace

bool Paging::init()
{
    g_pml4 = PhysicalMemory::take_page();
    if (!g_pml4)
        return false;
    auto start = [](char* s) { return reinterpret_cast<uintptr_t>(s); };
    bool ok = map_range(start(husk_text_start) & ~uintptr_t(kPage - 1), start(husk_rodata_start), kGlobal)
        && map_range(start(husk_rodata_start), start(husk_data_start), kGlobal | kNoExec)
        && map_range(start(husk_data_start), start(husk_x86_boot_stack_guard), kWritable | kGlobal | kNoExec)
        && map_range(start(husk_x86_boot_stack_guard) + kPage, start(husk_image_end), kWritable | kGlobal | kNoExec);
    for (size_t i = 0; ok && i < BootInfo::ram_count(); ++i)
        ok = map_direct(BootInfo::ram(i).base, BootInfo::ram(i).end());
    // Frames taken while mapping RAM are RAM too: already covered.
    if (!ok)
        return false;
    // Global pages survive CR3 loads: enable PGE now that the kernel's
    // mappings are final.
    uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    write_cr3(g_pml4);
    asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 7)) : "memory");
    g_live = true;
    PhysicalMemory::direct_map_live();
    return true;
}

void* Paging::map_mmio(uint64_t phys, size_t size)
{
    uint64_t base = phys & ~uint64_t(kPage - 1);
    uint64_t end = (phys + size + kPage - 1) & ~uint64_t(kPage - 1);
    for (uint64_t p = base; p < end; p += kPage) {
        uintptr_t va = reinterpret_cast<uintptr_t>(phys_to_virt(p));
        uint64_t* e = walk(va, 0, false);
        if (e && (*e & kPresent) && !(*e & kHuge) && (*e & kAddrMask) == p)
            continue; // already mapped
        if (!map_page(va, p, kWritable | kNoCache | kWriteThrough | kGlobal | kNoExec))
            return nullptr;
    }
    return phys_to_virt(phys);
}

uint64_t Paging::kernel_root() { return g_pml4; }

bool Paging::unmap_page(uintptr_t virt)
{
    uint64_t* e = walk(virt, 0, true);
    if (!e)
        return false;
    *e &= ~kPresent;
    invlpg(reinterpret_cast<void*>(virt));
    return true;
}

bool Paging::remap_direct_page(uintptr_t virt)
{
    return map_page(virt, virt - kDirectMap, kWritable | kGlobal | kNoExec);
}

bool Paging::map_user_page(uintptr_t virt, uint64_t phys, bool writable, bool executable)
{
    if (virt >= kUserTop)
        return false;
    return map_page(virt, phys, kUser | (writable ? kWritable : 0) | (executable ? 0 : kNoExec));
}

uint64_t Paging::translate(uintptr_t virt, bool* writable, bool* user, bool* exec)
{
    uint64_t* t = table(g_pml4);
    bool w = true, u = true, x = true;
    for (int l = 3; l >= 0; --l) {
        uint64_t e = t[index(virt, l)];
        if (!(e & kPresent))
            return 0;
        w = w && (e & kWritable);
        u = u && (e & kUser);
        x = x && !(e & kNoExec);
        if (l == 0 || (e & kHuge)) {
            if (writable) *writable = w;
            if (user) *user = u;
            if (exec) *exec = x;
            uint64_t span = l == 0 ? kPage : (1ull << (12 + 9 * l));
            return (e & kAddrMask & ~(span - 1)) | (virt & (span - 1));
        }
        t = table(e & kAddrMask);
    }
    return 0;
}

} // namespace husk::x86
