#include "UserAddressSpace.h"
#include "UserRun.h"
#include "../../kernel/kstd/Errno.h"
#include "Cpu.h"
#include "Paging.h"
#include "PerCpu.h"
#include "Smp.h"

namespace husk::x86 {

namespace {
constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kNoExec = 1ull << 63;
constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;
constexpr uintptr_t kUserBottom = 0x10000; // page zero and the first 64 KiB stay unmapped (NULL dereferences)

uint64_t* table(uint64_t phys) { return static_cast<uint64_t*>(phys_to_virt(phys)); }
unsigned index(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }
bool user_page(uintptr_t va) { return va >= kUserBottom && va < kUserTop && (va & (kPage - 1)) == 0; }

uint64_t leaf_flags(unsigned prot)
{
    if (!prot)
        return kPresent | kNoExec; // PROT_NONE: kept, but for the kernel only
    // x86 pages are always readable once present: PROT_NONE pages are not
    // mapped at all by the kernel, PROT_WRITE/EXEC-only ones read as well.
    return kPresent | kUser | ((prot & HUSK_PROT_WRITE) ? kWritable : 0) | ((prot & HUSK_PROT_EXEC) ? 0 : kNoExec);
}
} // namespace

UserAddressSpace::UserAddressSpace(husk_aspace_t* handle) : m_root(virt_to_phys(handle)) {}

husk_aspace_t* UserAddressSpace::create()
{
    auto* root = static_cast<uint64_t*>(husk_kernel_page_alloc());
    if (!root)
        return nullptr;
    const uint64_t* kernel = table(Paging::kernel_root());
    for (unsigned i = 256; i < 512; ++i)
        root[i] = kernel[i];
    return reinterpret_cast<husk_aspace_t*>(root);
}

void UserAddressSpace::free_tables(uint64_t table_phys, int level)
{
    uint64_t* t = table(table_phys);
    if (level > 0) {
        for (unsigned i = 0; i < (level == 3 ? 256u : 512u); ++i)
            if (t[i] & kPresent)
                free_tables(t[i] & kAddrMask, level - 1);
    }
    husk_kernel_page_free(t);
}

void UserAddressSpace::destroy()
{
    Smp::shootdown(m_root, true); // CPUs that ran it last keep it in CR3
    if (this_cpu().active_root == m_root) {
        // The last thread of an exiting process drops its own space.
        this_cpu().active_root = 0;
        write_cr3(Paging::kernel_root());
    }
    free_tables(m_root, 3);
}

void UserAddressSpace::activate()
{
    if (this_cpu().active_root == m_root)
        return; // already the CPU's: keep the TLB
    this_cpu().active_root = m_root;
    write_cr3(m_root);
}

uint64_t* UserAddressSpace::pte(uintptr_t va, bool create, uint64_t** pde)
{
    uint64_t* t = table(m_root);
    for (int level = 3; level > 0; --level) {
        uint64_t& e = t[index(va, level)];
        if (pde)
            *pde = &e; // the last one: level 1
        if (!(e & kPresent)) {
            if (!create)
                return nullptr;
            void* page = husk_kernel_page_alloc();
            if (!page)
                return nullptr;
            e = virt_to_phys(page) | kPresent | kWritable | kUser; // the leaves decide
        }
        t = table(e & kAddrMask);
    }
    return &t[index(va, 0)];
}

int UserAddressSpace::map(uintptr_t va, void* page, unsigned prot)
{
    if (!user_page(va) || (reinterpret_cast<uintptr_t>(page) & (kPage - 1)))
        return -kstd::EINVAL;
    uint64_t* pde;
    uint64_t* e = pte(va, true, &pde);
    if (!e)
        return -kstd::ENOMEM;
    if (prot & HUSK_PROT_WRITE)
        allow_writes(pde);
    bool replaced = *e & kPresent; // a copy-on-write break, a remap
    *e = virt_to_phys(page) | leaf_flags(prot);
    if (this_cpu().active_root == m_root)
        invlpg(reinterpret_cast<void*>(va));
    if (replaced)
        Smp::shootdown(m_root, false);
    return 0;
}

int UserAddressSpace::protect(uintptr_t va, unsigned prot)
{
    uint64_t* pde;
    uint64_t* e = user_page(va) ? pte(va, false, &pde) : nullptr;
    if (!e || !(*e & kPresent))
        return -kstd::ENOENT;
    if (prot & HUSK_PROT_WRITE)
        allow_writes(pde);
    *e = (*e & kAddrMask) | leaf_flags(prot);
    if (this_cpu().active_root == m_root)
        invlpg(reinterpret_cast<void*>(va));
    Smp::shootdown(m_root, false);
    return 0;
}

void UserAddressSpace::invalidate(const StaleEntries& stale)
{
    if (stale.count || stale.all)
        Smp::shootdown(m_root, false);
    if (this_cpu().active_root != m_root)
        return; // the next activation's CR3 load flushes
    if (stale.all) {
        write_cr3(m_root);
        return;
    }
    for (unsigned i = 0; i < stale.count; ++i)
        invlpg(reinterpret_cast<void*>(stale.pages[i]));
}

// Which entries of a table at `level`, covering addresses from base on,
// meet [start, end): from first_index up to end_index.
namespace {
uintptr_t span_of(int level) { return uintptr_t(1) << (12 + 9 * level); }
unsigned first_index(uintptr_t base, uintptr_t start, int level)
{
    return start > base ? unsigned((start - base) / span_of(level)) : 0;
}
unsigned end_index(uintptr_t base, uintptr_t end, int level)
{
    uintptr_t n = (end - base + span_of(level) - 1) / span_of(level);
    return n < 512 ? unsigned(n) : 512u;
}
} // namespace

void UserAddressSpace::write_protect_tables(uint64_t* t, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                                            StaleEntries* stale)
{
    unsigned i = first_index(base, start, level), last = end_index(base, end, level);
    for (; i < last; ++i) {
        uint64_t& e = t[i];
        if (!(e & kPresent))
            continue;
        uintptr_t lo = base + i * span_of(level), hi = lo + span_of(level);
        // A page, or a whole leaf table at once: x86 grants writes only
        // where every level does, so a read-only directory entry protects
        // its 512 pages (2 MiB) with one store. allow_writes undoes it.
        if (level == 0 || (level == 1 && start <= lo && end >= hi)) {
            if (e & kWritable) {
                e &= ~kWritable;
                if (level == 0)
                    stale->add(lo);
                else
                    stale->all = true;
            }
            continue;
        }
        write_protect_tables(table(e & kAddrMask), level - 1, lo, start > lo ? start : lo, end, stale);
    }
}

void UserAddressSpace::write_protect(uintptr_t start, uintptr_t end, StaleEntries* stale)
{
    if (start < end && end <= kUserTop)
        write_protect_tables(table(m_root), 3, 0, start, end, stale);
}

void UserAddressSpace::allow_writes(uint64_t* pde)
{
    if (*pde & kWritable)
        return;
    // The directory entry took the rights of its table's pages: they go
    // to each page (all read-only: what the entry made them), and the
    // entry lets each page decide again.
    uint64_t* t = table(*pde & kAddrMask);
    for (unsigned i = 0; i < 512; ++i)
        t[i] &= ~kWritable;
    *pde |= kWritable;
}

void UserAddressSpace::clear_tables(uint64_t* t, int level, uintptr_t base, uintptr_t start, uintptr_t end,
                                    StaleEntries* stale)
{
    unsigned i = first_index(base, start, level), last = end_index(base, end, level);
    for (; i < last; ++i) {
        if (!(t[i] & kPresent))
            continue;
        uintptr_t lo = base + i * span_of(level), hi = lo + span_of(level);
        if (level == 0) {
            t[i] = 0;
            stale->add(lo);
        } else if (start <= lo && end >= hi) {
            free_tables(t[i] & kAddrMask, level - 1); // wholly inside: the tables go too
            t[i] = 0;
            stale->all = true; // and the CPU's caches of them
        } else {
            clear_tables(table(t[i] & kAddrMask), level - 1, lo, start > lo ? start : lo, end, stale);
        }
    }
}

void UserAddressSpace::unmap(uintptr_t start, uintptr_t end)
{
    start &= ~uintptr_t(kPage - 1);
    if (end > kUserTop)
        end = kUserTop;
    if (start < kUserBottom)
        start = kUserBottom;
    if (start >= end)
        return;
    StaleEntries stale;
    clear_tables(table(m_root), 3, 0, start, end, &stale);
    invalidate(stale);
}

} // namespace husk::x86

using husk::x86::UserAddressSpace;

extern "C" void husk_plat_user_range(uintptr_t* lo, uintptr_t* hi)
{
    *lo = husk::x86::kUserBottom;
    *hi = husk::x86::kUserTop - husk::x86::kPage; // the top page stays unmapped (SYSRET's non-canonical trap)
}

extern "C" husk_aspace_t* husk_plat_aspace_create(void) { return UserAddressSpace::create(); }
extern "C" void husk_plat_aspace_destroy(husk_aspace_t* as) { UserAddressSpace(as).destroy(); }
extern "C" void husk_plat_aspace_activate(husk_aspace_t* as)
{
    UserAddressSpace(as).activate();
}
extern "C" int husk_plat_aspace_map(husk_aspace_t* as, uintptr_t va, void* page, unsigned prot)
{
    return UserAddressSpace(as).map(va, page, prot);
}
extern "C" int husk_plat_aspace_protect(husk_aspace_t* as, uintptr_t va, unsigned prot)
{
    return UserAddressSpace(as).protect(va, prot);
}
extern "C" void husk_plat_aspace_unmap(husk_aspace_t* as, uintptr_t start, uintptr_t end)
{
    UserAddressSpace(as).unmap(start, end);
}
extern "C" void husk_plat_aspace_write_protect(husk_aspace_t* as, const husk_range* ranges, size_t count)
{
    UserAddressSpace space(as);
    UserAddressSpace::StaleEntries stale;
    for (size_t i = 0; i < count; ++i)
        space.write_protect(ranges[i].start, ranges[i].end, &stale);
    space.invalidate(stale); // once for all ranges
}
