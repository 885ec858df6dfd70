// fw_cfg as QEMU's docs/specs/fw_cfg.rst describes it: a 16-bit selector
// port, an 8-bit data port, and a DMA address register taking the physical
// address of a request (big-endian; writing its low half starts it, and it
// is complete when the write returns).
#include "FwCfg.h"
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/StringView.h"
#include "Cpu.h"

namespace husk::x86 {

namespace {
constexpr uint16_t kSelectorPort = 0x510;
constexpr uint16_t kDataPort = 0x511;
constexpr uint16_t kDmaPortHigh = 0x514;
constexpr uint16_t kDmaPortLow = 0x518;
constexpr uint16_t kSignature = 0x0000;
constexpr uint16_t kFeatures = 0x0001;
constexpr uint16_t kFileDirectory = 0x0019;
constexpr uint32_t kFeatureDma = 1u << 1;
constexpr uint32_t kDmaError = 1u << 0;
constexpr uint32_t kDmaRead = 1u << 1;

struct DmaRequest {
    uint32_t control; // all three big-endian
    uint32_t length;
    uint64_t address;
};
struct DirectoryEntry {
    uint32_t size; // big-endian
    uint16_t select;
    uint16_t reserved;
    char name[56];
};

// DMA goes through a buffer in the image (physically contiguous, its
// address known), then to the caller's memory.
alignas(4096) uint8_t g_bounce[64 * 1024];
alignas(16) DmaRequest g_request;
bool g_probed, g_present, g_dma;

void select(uint16_t key) { outw(kSelectorPort, key); }

// Reads the next n bytes of the selected item.
bool read_next(void* dst, size_t n)
{
    auto* out = static_cast<uint8_t*>(dst);
    if (!g_dma) {
        for (size_t i = 0; i < n; ++i)
            out[i] = inb(kDataPort);
        return true;
    }
    while (n) {
        size_t chunk = n < sizeof g_bounce ? n : sizeof g_bounce;
        volatile DmaRequest* r = &g_request;
        r->control = __builtin_bswap32(kDmaRead);
        r->length = __builtin_bswap32(uint32_t(chunk));
        r->address = __builtin_bswap64(virt_to_phys(g_bounce));
        uint64_t at = virt_to_phys(&g_request);
        asm volatile("" ::: "memory");
        outl(kDmaPortHigh, __builtin_bswap32(uint32_t(at >> 32)));
        outl(kDmaPortLow, __builtin_bswap32(uint32_t(at)));
        uint32_t control;
        while ((control = __builtin_bswap32(r->control)) & ~kDmaError)
            asm volatile("pause");
        asm volatile("" ::: "memory"); // the device wrote g_bounce
        if (control & kDmaError)
            return false;
        __builtin_memcpy(out, g_bounce, chunk);
        out += chunk;
        n -= chunk;
    }
    return true;
}

bool probe()
{
    if (g_probed)
        return g_present;
    g_probed = true;
    select(kSignature);
    char signature[4];
    for (char& c : signature)
        c = char(inb(kDataPort));
    g_present = __builtin_memcmp(signature, "QEMU", 4) == 0;
    if (g_present) {
        select(kFeatures);
        uint32_t features = 0;
        for (int i = 0; i < 4; ++i)
            features |= uint32_t(inb(kDataPort)) << (8 * i);
        g_dma = features & kFeatureDma;
    }
    return g_present;
}
} // namespace

bool FwCfg::find(const char* name, File& out)
{
    if (!probe())
        return false;
    select(kFileDirectory);
    uint32_t count;
    if (!read_next(&count, sizeof count))
        return false;
    count = __builtin_bswap32(count);
    size_t length = kstd::StringView::cstrlen(name);
    for (uint32_t i = 0; i < count; ++i) {
        DirectoryEntry e;
        if (!read_next(&e, sizeof e))
            return false;
        if (length < sizeof e.name && __builtin_memcmp(e.name, name, length + 1) == 0) {
            out = { __builtin_bswap16(e.select), __builtin_bswap32(e.size) };
            return true;
        }
    }
    return false;
}

bool FwCfg::read_item(uint16_t key, void* dst, size_t size)
{
    if (!probe())
        return false;
    select(key);
    return read_next(dst, size);
}

bool FwCfg::read(const File& file, void* dst)
{
    select(file.select);
    return read_next(dst, file.size);
}

} // namespace husk::x86

extern "C" long husk_plat_config_read(void* buf, size_t len)
{
    using husk::x86::FwCfg;
    FwCfg::File file;
    if (!FwCfg::find("opt/husk/config", file))
        return 0;
    if (buf && len >= file.size && !FwCfg::read(file, buf))
        return -kstd::EIO;
    return long(file.size);
}
