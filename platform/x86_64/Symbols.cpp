#include "Symbols.h"
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "Cpu.h"
#include "Paging.h"

// Emitted by gen-ksyms: the low halves of the functions' addresses,
// sorted, each function's name index, and the names front-coded in blocks
// of kNameBlock (the first whole, each other one byte of what it shares
// with the one before, then its rest), with where each block starts.
extern "C" const uint64_t husk_ksyms_count;
extern "C" const uint32_t husk_ksyms[];
extern "C" const uint16_t husk_ksym_name_index[];
extern "C" const uint32_t husk_ksym_blocks[];
extern "C" const char husk_ksym_names[];
extern "C" char husk_text_start[], husk_text_end[], husk_x86_boot_stack_guard[];

namespace husk::x86 {

namespace {
constexpr size_t kMaxGuards = 256;
uint64_t g_guards[kMaxGuards];
size_t g_guard_count;

constexpr size_t kNameBlock = 16, kMaxName = 400; // as gen-ksyms writes them

// Name number `index` into out (kMaxName + 1 bytes): decodes its block
// from the block's first name on.
void decode_name(uint32_t index, char* out)
{
    const char* p = husk_ksym_names + husk_ksym_blocks[index / kNameBlock];
    for (uint32_t i = index - index % kNameBlock;; ++i) {
        size_t length = i % kNameBlock ? uint8_t(*p++) : 0; // what it shares with the one before
        for (; *p; ++p)
            if (length < kMaxName)
                out[length++] = *p;
        ++p; // its NUL
        out[length] = 0;
        if (i == index)
            return;
    }
}
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
        if (husk_ksyms[mid] <= low)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -kstd::ENOENT;
    char name[kMaxName + 1];
    decode_name(husk_ksym_name_index[lo - 1], name);
    kstd::format(buf, len, "%s+0x%lx", name, (unsigned long)(low - husk_ksyms[lo - 1]));
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
