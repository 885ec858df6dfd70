#include "Events.h"
#include <husk/platform.h>
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "Lapic.h"
#include "Preemption.h"

namespace husk::x86 {

namespace {
uint32_t g_pending; // written by interrupt handlers: accessed atomically
bool g_in_idle;
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
bool Events::in_idle() { return g_in_idle; }

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
    if (!__atomic_load_n(&g_pending, __ATOMIC_RELAXED)) {
        uint64_t now = Clock::monotonic_ns();
        if (deadline != UINT64_MAX && deadline <= now) {
            sti();
            return HUSK_EVENT_TIMER;
        }
        if (deadline == UINT64_MAX && !anything_can_wake()) {
            Console::print("husk: deadlock: every kernel thread is blocked with no timeout and no event source\n");
            husk_plat_halt(124);
        }
        // Sleep until the deadline (no slice ticks while idle).
        Lapic::arm(deadline == UINT64_MAX ? 0 : deadline - now);
        g_in_idle = true;
        sti_hlt();
        cli();
        g_in_idle = false;
    }
    uint32_t events = __atomic_exchange_n(&g_pending, 0, __ATOMIC_RELAXED);
    if (deadline != UINT64_MAX && Clock::monotonic_ns() >= deadline)
        events |= HUSK_EVENT_TIMER;
    Preemption::restart_slice();
    sti();
    return events;
}
