// Application processors: the boot CPU learns how many CPUs the machine has
// (fw_cfg's FW_CFG_NB_CPUS), starts the others with INIT and STARTUP IPIs
// into aptrampoline.S, gives each its own GDT/TSS, stacks and local APIC,
// and parks them (halted, interrupts on for the kick IPI) until the kernel
// hands them an entry function (husk_plat_cpu_start).
#pragma once

#include <stdint.h>

namespace husk::x86 {

class Smp {
public:
    static constexpr uint8_t kKickVector = 0xf1;
    static constexpr uint8_t kFlushVector = 0xf2;

    // Before PhysicalMemory::seal (stacks come from early frames).
    static void init();
    // CPUs online (1 until init has started the others).
    static unsigned count();
    // Index (0 = the boot CPU) of the calling CPU.
    static unsigned id();
    // Interrupts CPU `cpu` (a halted one wakes up).
    static void kick(unsigned cpu);
    // TLB shootdown: every other CPU that has the address space `root`
    // (physical) active flushes its TLB, or with `drop` switches to the
    // kernel's tables; returns when all have. Interrupts must be on here
    // or the others must not wait for this CPU (they never do).
    static void shootdown(uint64_t root, bool drop);
    // Releases the parked CPUs into entry(cpu).
    static void start(void (*entry)(unsigned cpu));
};

} // namespace husk::x86
