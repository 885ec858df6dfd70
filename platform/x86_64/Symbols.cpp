#include "Symbols.h"
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "Cpu.h"
#include "Paging.h"

// Emitted by gen-ksyms: entries sorted by address, each the low half of
// its function's address and where its name (NUL-terminated) starts.
struct KsymEntry {
    uint32_t address_low;
    uint32_t name;
};
extern "C" const uint64_t husk_ksyms_count;
extern "C" const KsymEntry husk_ksyms[];
extern "C" const char husk_ksym_names[];
extern "C" char husk_text_start[], husk_text_end[], husk_x86_boot_stack_guard[];

namespace husk::x86 {

namespace {
constexpr size_t kMaxGuards = 256;
uint64_t g_guards[kMaxGuards];
size_t g_guard_count;
} // namespace

int Symbols::lookup(uint64_t addr, char* buf, size_t len)
{
    if (addr < reinterpret_cast<uint64_t>(husk_text_start) || addr >= reinterpret_cast<uint64_t>(husk_text_end))
        return -kstd::ENOENT;
    // The text lies within one 4 GiB window: the low halves order as the
    // addresses do.
    uint32_t low = uint32_t(addr);
    size_t lo = 0, hi = husk_ksyms_count;
    while (lo < hi) { // last entry with address <= addr
        size_t mid = (lo + hi) / 2;
        if (husk_ksyms[mid].address_low <= low)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -kstd::ENOENT;
    const KsymEntry& e = husk_ksyms[lo - 1];
    kstd::format(buf, len, "%s+0x%lx", husk_ksym_names + e.name, (unsigned long)(low - e.address_low));
    return 0;
}

bool Symbols::readable(uint64_t addr, size_t len)
{
    for (uint64_t p = addr & ~uint64_t(kPage - 1); p < addr + len; p += kPage)
        if (!Paging::translate(p))
            return false;
    return true;
}

bool Symbols::is_guard_page(uint64_t addr)
{
    uint64_t page = addr & ~uint64_t(kPage - 1);
    if (page == reinterpret_cast<uint64_t>(husk_x86_boot_stack_guard))
        return true;
    for (size_t i = 0; i < g_guard_count; ++i)
        if (g_guards[i] == page)
            return true;
    return false;
}

void Symbols::add_guard_page(uint64_t page)
{
    if (g_guard_count < kMaxGuards)
        g_guards[g_guard_count++] = page;
}

void Symbols::remove_guard_page(uint64_t page)
{
    for (size_t i = 0; i < g_guard_count; ++i)
        if (g_guards[i] == page) {
            g_guards[i] = g_guards[--g_guard_count];
            return;
        }
}

} // namespace husk::x86

extern "C" int husk_plat_symbolize(uintptr_t addr, char* buf, size_t len)
{
    return husk::x86::Symbols::lookup(addr, buf, len);
}
