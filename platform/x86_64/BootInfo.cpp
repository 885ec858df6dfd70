#include "BootInfo.h"
#include "../../kernel/kstd/StringView.h"
#include "Cpu.h"
#include "Serial.h"

namespace husk::x86 {

namespace {
// Xen's public/arch-x86/hvm/start_info.h, the PVH boot ABI.
constexpr uint32_t kStartInfoMagic = 0x336ec578;
constexpr uint32_t kRamType = 1;

struct StartInfo {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr; // version >= 1
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct ModlistEntry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
struct MemmapEntry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

// The boot page tables identity-map the first GiB; the loader's tables
// live there, so they are read through that mapping before Paging::init.
template<typename T>
const T* early(uint64_t phys)
{
    return phys < (1ull << 30) ? reinterpret_cast<const T*>(phys) : nullptr;
}
} // namespace

char BootInfo::s_cmdline[4096];
PhysRange BootInfo::s_ram[kMaxRam];
size_t BootInfo::s_ram_count;
BootModule BootInfo::s_modules[kMaxModules];
size_t BootInfo::s_module_count;

bool BootInfo::parse(uint64_t start_info_phys)
{
    const auto* si = early<StartInfo>(start_info_phys);
    if (!si || si->magic != kStartInfoMagic) {
        Serial::write_log("husk: no PVH start_info (was this image booted by a PVH loader?)\n");
        return false;
    }
    if (si->version < 1 || !si->memmap_entries) {
        Serial::write_log("husk: PVH start_info carries no memory map (version 0)\n");
        return false;
    }
    if (const char* c = si->cmdline_paddr ? early<char>(si->cmdline_paddr) : nullptr) {
        size_t i = 0;
        for (; c[i] && i + 1 < sizeof s_cmdline; ++i)
            s_cmdline[i] = c[i];
        s_cmdline[i] = 0;
    }
    const auto* map = early<MemmapEntry>(si->memmap_paddr);
    for (uint32_t i = 0; map && i < si->memmap_entries && s_ram_count < kMaxRam; ++i) {
        if (map[i].type != kRamType || !map[i].size)
            continue;
        // Whole pages only.
        uint64_t base = (map[i].addr + kPage - 1) & ~uint64_t(kPage - 1);
        uint64_t end = (map[i].addr + map[i].size) & ~uint64_t(kPage - 1);
        if (end > base)
            s_ram[s_ram_count++] = { base, end - base };
    }
    const auto* mods = si->nr_modules ? early<ModlistEntry>(si->modlist_paddr) : nullptr;
    for (uint32_t i = 0; mods && i < si->nr_modules && s_module_count < kMaxModules; ++i)
        s_modules[s_module_count++] = { mods[i].paddr, mods[i].size };
    return s_ram_count > 0;
}

bool BootInfo::has_word(const char* word)
{
    size_t n = kstd::StringView::cstrlen(word);
    for (const char* p = s_cmdline; *p; ++p)
        if ((p == s_cmdline || p[-1] == ' ') && __builtin_memcmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == 0))
            return true;
    return false;
}

const char* BootInfo::value(const char* key, const char* after)
{
    size_t n = kstd::StringView::cstrlen(key);
    for (const char* p = after ? after : s_cmdline; *p; ++p)
        if ((p == s_cmdline || p[-1] == ' ') && __builtin_memcmp(p, key, n) == 0 && p[n] == '=')
            return p + n + 1;
    return nullptr;
}

uint64_t BootInfo::number(const char* key, uint64_t fallback)
{
    const char* d = value(key);
    if (!d || *d < '0' || *d > '9')
        return fallback;
    uint64_t v = 0;
    for (; *d >= '0' && *d <= '9'; ++d)
        v = v * 10 + uint64_t(*d - '0');
    return v;
}

} // namespace husk::x86
