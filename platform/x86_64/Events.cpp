#include "Events.h"
#include <husk/platform.h>
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "Lapic.h"
#include "PerCpu.h"
#include "Smp.h"
#include "Preemption.h"

namespace husk::x86 {

namespace {
uint32_t g_pending; // written by interrupt handlers: accessed atomically
Events::SourceCheck g_sources[8];
unsigned g_source_count;

bool anything_can_wake()
{
    for (unsigned i = 0; i < g_source_count; ++i)
        if (g_sources[i]())
            return true;
    return false;
}
} // namespace

void Events::post(uint32_t events) { __atomic_or_fetch(&g_pending, events, __ATOMIC_RELAXED); }
bool Events::in_idle() { return this_cpu().in_idle; }

void Events::add_source(SourceCheck check)
{
    if (g_source_count < sizeof g_sources / sizeof g_sources[0])
        g_sources[g_source_count++] = check;
}

} // namespace husk::x86

extern "C" uint32_t husk_plat_yield(uint64_t deadline)
{
    using namespace husk::x86;
    cli();
    PerCpu& cpu = this_cpu();
    if (cpu.index != 0) {
        // Another CPU's idle thread: device events are the boot CPU's; it
        // halts until kicked (Smp::kick sets `kicked` before the IPI, so a
        // kick between the kernel's check and here is not lost).
        if (!__atomic_exchange_n(&cpu.kicked, 0, __ATOMIC_ACQ_REL)) {
            uint64_t now = Clock::monotonic_ns();
            Lapic::arm(deadline == UINT64_MAX ? 0 : deadline > now ? deadline - now : 1);
            cpu.in_idle = true;
            sti_hlt();
            cli();
            cpu.in_idle = false;
            __atomic_store_n(&cpu.kicked, 0, __ATOMIC_RELEASE);
        }
        Preemption::restart_slice();
        sti();
        return deadline != UINT64_MAX && Clock::monotonic_ns() >= deadline ? HUSK_EVENT_TIMER : 0;
    }
    if (!__atomic_load_n(&g_pending, __ATOMIC_RELAXED) && !__atomic_exchange_n(&cpu.kicked, 0, __ATOMIC_ACQ_REL)) {
        uint64_t now = Clock::monotonic_ns();
        if (deadline != UINT64_MAX && deadline <= now) {
            sti();
            return HUSK_EVENT_TIMER;
        }
        // (With other CPUs, one of them may still wake this one.)
        if (deadline == UINT64_MAX && Smp::count() == 1 && !anything_can_wake()) {
            Console::print("husk: deadlock: every kernel thread is blocked with no timeout and no event source\n");
            husk_plat_halt(124);
        }
        // Sleep until the deadline (no slice ticks while idle).
        Lapic::arm(deadline == UINT64_MAX ? 0 : deadline - now);
        this_cpu().in_idle = true;
        sti_hlt();
        cli();
        this_cpu().in_idle = false;
    }
    uint32_t events = __atomic_exchange_n(&g_pending, 0, __ATOMIC_RELAXED);
    if (deadline != UINT64_MAX && Clock::monotonic_ns() >= deadline)
        events |= HUSK_EVENT_TIMER;
    Preemption::restart_slice();
    sti();
    return events;
}
