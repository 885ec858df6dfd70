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
    // An application processor's own local APIC: enabled, its timer
    // stopped until arm() (the registers sit at the address init() mapped
    // for every CPU; the boot CPU's calibration holds for all).
    static void init_ap();
    // Another CPU: waits until the boot CPU has calibrated the timer
    // (finish_calibration), which arm() needs.
    static void wait_for_calibration();
    // Inter-processor interrupts (xAPIC ICR): `vector` to the CPU whose APIC
    // id is `apic_id`; INIT, and STARTUP (SIPI: real mode at page `page`).
    static void send_ipi(uint32_t apic_id, uint8_t vector);
    static void send_init(uint32_t apic_id);
    static void send_startup(uint32_t apic_id, uint8_t page);
};

} // namespace husk::x86
