// What CPUID says about the calling CPU, in /proc/cpuinfo's terms: both
// x86-64 platforms fill husk_plat_cpu_info with it (each adds what it knows
// of the CPU's place: APIC id, topology, clock).
#pragma once

#include <husk/platform.h>

namespace husk::x86 {

// Fills info from CPUID on the calling CPU; tsc_khz (0: unknown) gives
// "cpu MHz" and bogomips as Linux derives them from the TSC. The topology
// fields are left at one package of `cpus` cores, CPU `cpu` its core.
void cpu_identity(husk_cpu_info& info, unsigned cpu, unsigned cpus, uint64_t tsc_khz);

} // namespace husk::x86
