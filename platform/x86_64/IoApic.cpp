#include "IoApic.h"
#include "Cpu.h"
#include "Paging.h"

namespace husk::x86 {

namespace {
struct Chip {
    volatile uint32_t* regs;
    uint32_t first_gsi;
    uint32_t count;
};
Chip g_chips[2];
unsigned g_chip_count;

uint32_t read(const Chip& c, uint32_t reg)
{
    c.regs[0] = reg;
    return c.regs[4];
}
void write(const Chip& c, uint32_t reg, uint32_t v)
{
    c.regs[0] = reg;
    c.regs[4] = v;
}
} // namespace

void IoApic::init()
{
    // The legacy 8259 PICs (pc/q35) must not deliver anything: mask them.
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    const uint64_t bases[] = { 0xfec00000, 0xfec10000 };
    uint32_t next_gsi = 0;
    for (uint64_t base : bases) {
        auto* regs = static_cast<volatile uint32_t*>(Paging::map_mmio(base, 4096));
        if (!regs)
            continue;
        Chip c { regs, next_gsi, 0 };
        uint32_t version = read(c, 1);
        if (version == 0xffffffff || version == 0)
            continue; // nothing there
        c.count = ((version >> 16) & 0xff) + 1;
        for (uint32_t i = 0; i < c.count; ++i)
            write(c, 0x10 + 2 * i, 1u << 16); // masked
        g_chips[g_chip_count++] = c;
        next_gsi += c.count;
    }
}

bool IoApic::route(uint32_t gsi, uint8_t vector, bool level)
{
    for (unsigned i = 0; i < g_chip_count; ++i) {
        const Chip& c = g_chips[i];
        if (gsi < c.first_gsi || gsi >= c.first_gsi + c.count)
            continue;
        uint32_t pin = gsi - c.first_gsi;
        write(c, 0x10 + 2 * pin + 1, 0);                       // destination: APIC 0
        write(c, 0x10 + 2 * pin, vector | (level ? 1u << 15 : 0)); // fixed, physical, unmasked
        return true;
    }
    return false;
}

} // namespace husk::x86
