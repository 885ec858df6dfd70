// The local APIC (xAPIC, memory mapped): end of interrupt, and its timer in
// one-shot mode, calibrated against the TSC, for preemption ticks and the
// idle loop's deadlines. Calibration runs in the background of boot: init()
// starts the count, the first arm() reads it.
#pragma once

#include <stdint.h>

namespace husk::x86 {

class Lapic {
public:
    // False if there is no usable local APIC.
    static bool init();
    // Completes the timer's calibration (waits out the rest of its 1 ms
    // window if boot was quicker); halts with HUSK_EXIT_PANIC if the timer
    // does not count. arm() calls it the first time.
    static void finish_calibration();
    static void end_of_interrupt();
    // Fires the timer vector once, `ns` from now (0: stop it).
    static void arm(uint64_t ns);
    static uint32_t id();
};

} // namespace husk::x86
