#include "Lapic.h"
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "Idt.h"
#include "Paging.h"

namespace husk::x86 {

namespace {
constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint32_t kRegId = 0x20, kRegEoi = 0xb0, kRegSpurious = 0xf0;
constexpr uint32_t kRegLvtTimer = 0x320, kRegInitialCount = 0x380, kRegCurrentCount = 0x390, kRegDivide = 0x3e0;
constexpr uint32_t kRegLvtLint0 = 0x350, kRegLvtLint1 = 0x360, kRegLvtError = 0x370, kRegTpr = 0x80;
constexpr uint32_t kMasked = 1u << 16;
constexpr uint32_t kDivideBy16 = 0x3;

volatile uint32_t* g_regs;
uint64_t g_ticks_per_ms; // timer counts (after the divider) per millisecond

uint32_t read(uint32_t reg) { return g_regs[reg / 4]; }
void write(uint32_t reg, uint32_t v) { g_regs[reg / 4] = v; }
} // namespace

bool Lapic::init()
{
    uint64_t base = rdmsr(kApicBaseMsr);
    wrmsr(kApicBaseMsr, base | (1u << 11)); // globally enabled, xAPIC mode
    g_regs = static_cast<volatile uint32_t*>(Paging::map_mmio(base & ~0xfffull, 4096));
    if (!g_regs)
        return false;
    write(kRegTpr, 0);
    write(kRegLvtLint0, kMasked);
    write(kRegLvtLint1, kMasked);
    write(kRegLvtError, kMasked);
    write(kRegSpurious, 0x100 | Idt::kSpuriousVector);

    // Count down from the top for 2 ms of TSC time.
    write(kRegDivide, kDivideBy16);
    write(kRegLvtTimer, kMasked | Idt::kTimerVector);
    write(kRegInitialCount, 0xffffffff);
    uint64_t start = Clock::monotonic_ns();
    while (Clock::monotonic_ns() - start < 2000000)
        asm volatile("pause");
    uint32_t elapsed = 0xffffffff - read(kRegCurrentCount);
    uint64_t ns = Clock::monotonic_ns() - start;
    write(kRegInitialCount, 0);
    g_ticks_per_ms = ns ? uint64_t(elapsed) * 1000000 / ns : 0;
    if (!g_ticks_per_ms) {
        Console::print("husk: the local APIC timer does not count\n");
        return false;
    }
    write(kRegLvtTimer, Idt::kTimerVector); // one-shot, unmasked
    return true;
}

void Lapic::end_of_interrupt() { write(kRegEoi, 0); }

void Lapic::arm(uint64_t ns)
{
    if (!ns) {
        write(kRegInitialCount, 0);
        return;
    }
    uint64_t ticks = ns * g_ticks_per_ms / 1000000;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffull)
        ticks = 0xffffffffull;
    write(kRegInitialCount, uint32_t(ticks));
}

uint32_t Lapic::id() { return read(kRegId) >> 24; }

} // namespace husk::x86
