#include "Lapic.h"
#include <husk/platform.h>
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

constexpr uint64_t kCalibrationNs = 1000000;       // 62 500 counts at QEMU's 1 GHz / 16: 2e-5 resolution
constexpr uint64_t kCalibrationMaxNs = 1000000000; // well before the count runs out

volatile uint32_t* g_regs;
uint64_t g_ticks_per_ms;     // timer counts (after the divider) per millisecond; 0 until calibrated
uint64_t g_calibration_start; // monotonic ns when the free-running count began

uint32_t read(uint32_t reg) { return g_regs[reg / 4]; }

// Without a timer nothing could ever wake an idle kernel: stop with a reason.
[[noreturn]] void break_down()
{
    Console::print("husk: boot failed: the local APIC timer does not count\n");
    husk_plat_halt(HUSK_EXIT_PANIC);
}

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

    // Start counting down from the top (masked); the count is compared with
    // the TSC when the timer is first armed, by then usually long enough
    // after this that boot never waits for the calibration.
    write(kRegDivide, kDivideBy16);
    write(kRegLvtTimer, kMasked | Idt::kTimerVector);
    write(kRegInitialCount, 0xffffffff);
    g_calibration_start = Clock::monotonic_ns();
    return true;
}

void Lapic::finish_calibration()
{
    if (g_ticks_per_ms)
        return;
    // The count stops at 0 (after about a minute at QEMU's rate): if boot
    // took longer than a second, count afresh.
    if (Clock::monotonic_ns() - g_calibration_start > kCalibrationMaxNs) {
        write(kRegInitialCount, 0xffffffff);
        g_calibration_start = Clock::monotonic_ns();
    }
    while (Clock::monotonic_ns() - g_calibration_start < kCalibrationNs)
        asm volatile("pause");
    uint32_t elapsed = 0xffffffff - read(kRegCurrentCount);
    uint64_t ns = Clock::monotonic_ns() - g_calibration_start;
    write(kRegInitialCount, 0);
    uint64_t rate = ns ? uint64_t(elapsed) * 1000000 / ns : 0;
    if (!rate || elapsed == 0xffffffff)
        break_down();
    write(kRegLvtTimer, Idt::kTimerVector); // one-shot, unmasked
    __atomic_store_n(&g_ticks_per_ms, rate, __ATOMIC_RELEASE);
}

void Lapic::wait_for_calibration()
{
    while (!__atomic_load_n(&g_ticks_per_ms, __ATOMIC_ACQUIRE))
        asm volatile("pause");
}

void Lapic::end_of_interrupt() { write(kRegEoi, 0); }

void Lapic::arm(uint64_t ns)
{
    finish_calibration();
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

void Lapic::init_ap()
{
    wrmsr(kApicBaseMsr, rdmsr(kApicBaseMsr) | (1u << 11));
    write(kRegTpr, 0);
    write(kRegLvtLint0, kMasked);
    write(kRegLvtLint1, kMasked);
    write(kRegLvtError, kMasked);
    write(kRegSpurious, 0x100 | Idt::kSpuriousVector);
    write(kRegDivide, kDivideBy16);
    write(kRegInitialCount, 0);
    write(kRegLvtTimer, Idt::kTimerVector); // one-shot, stopped until armed (the boot CPU calibrated)
}

namespace {
constexpr uint32_t kRegIcrLow = 0x300, kRegIcrHigh = 0x310;
constexpr uint32_t kIcrPending = 1u << 12, kIcrAssert = 1u << 14;
constexpr uint32_t kIcrInit = 5u << 8, kIcrStartup = 6u << 8;

void send_icr(uint32_t high, uint32_t low)
{
    // One ICR per CPU: an interrupt handler's IPI must not split this pair.
    uint64_t flags = read_flags();
    cli();
    while (read(kRegIcrLow) & kIcrPending)
        asm volatile("pause");
    write(kRegIcrHigh, high);
    write(kRegIcrLow, low);
    if (flags & kFlagIf)
        sti();
}
} // namespace

void Lapic::send_ipi(uint32_t apic_id, uint8_t vector) { send_icr(apic_id << 24, kIcrAssert | vector); }
void Lapic::send_init(uint32_t apic_id) { send_icr(apic_id << 24, kIcrAssert | kIcrInit); }
void Lapic::send_startup(uint32_t apic_id, uint8_t page) { send_icr(apic_id << 24, kIcrAssert | kIcrStartup | page); }

} // namespace husk::x86
