// Time from the TSC. Its rate comes from, in order: KVM's pvclock, CPUID
// leaves 0x15/0x16, the command line (tsc_khz=, which `husk run` measures on
// the host: a TCG guest's TSC runs at the host's rate), the PIT, and as a
// last resort one second of the CMOS clock. Wall time is the CMOS RTC read
// at boot plus monotonic time.
#pragma once

#include <husk/platform.h>
#include <stdint.h>

namespace husk::x86 {

class Clock {
public:
    static bool init();
    static uint64_t monotonic_ns();
    static uint64_t wall_ns();
    static uint64_t tsc_hz();
    // The same clocks as user mode computes them from the TSC (the vDSO).
    static husk_user_clock user_clock();
    static const char* source();
    // TSC at entry to husk_x86_main (for boot-time measurements).
    static uint64_t boot_tsc();
    static void record_boot_tsc();
};

} // namespace husk::x86
