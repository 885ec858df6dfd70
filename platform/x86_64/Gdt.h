// Segment descriptors and the task state segment. The layout is fixed by
// SYSCALL/SYSRET (kernel CS, kernel SS, user SS, user CS in that order).
#pragma once

#include <stdint.h>
#include "PerCpu.h"

namespace husk::x86 {

class Gdt {
public:
    static constexpr uint16_t kKernelCode = 0x08;
    static constexpr uint16_t kKernelData = 0x10;
    static constexpr uint16_t kUserData = 0x18 | 3;
    static constexpr uint16_t kUserCode = 0x20 | 3;
    static constexpr uint16_t kTss = 0x28;
    // Interrupt stack table slots (own stacks, so a kernel stack overflow
    // can still be reported).
    static constexpr int kDoubleFaultIst = 1;
    static constexpr int kNmiIst = 2;

    static constexpr unsigned kMaxCpus = x86::kMaxCpus;

    // The boot CPU's tables; init_cpu: those of CPU `cpu` with its own
    // double-fault and NMI stacks.
    static void init();
    static void init_cpu(unsigned cpu, uint64_t double_fault_stack_top, uint64_t nmi_stack_top);
    // Stack this CPU switches to when an interrupt arrives in ring 3.
    static void set_kernel_stack(uint64_t top);
    static uint64_t kernel_stack();
};

} // namespace husk::x86
