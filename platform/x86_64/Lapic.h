// The local APIC (xAPIC, memory mapped): end of interrupt, and its timer in
// one-shot mode, calibrated against the TSC, for preemption ticks and the
// idle loop's deadlines.
#pragma once

#include <stdint.h>

namespace husk::x86 {

class Lapic {
public:
    static bool init();
    static void end_of_interrupt();
    // Fires the timer vector once, `ns` from now (0: stop it).
    static void arm(uint64_t ns);
    static uint32_t id();
};

} // namespace husk::x86
