// What each CPU keeps for itself, reached through the GS base (one
// instruction: %gs:0 is the block's own address). In ring 3 the GS base is
// the application's: the entries from ring 3 (SYSCALL, interrupts and
// exceptions) swap it with the kernel's (SWAPGS), enter_user swaps back, so
// the application's GS base lives in MSR KERNEL_GS_BASE while the kernel
// runs. The offsets of the first fields are userentry.S's.
#pragma once

#include <stdint.h>

namespace husk::x86 {

struct RunState;
struct MetalContext;

struct PerCpu {
    PerCpu* self;              // 0
    RunState* user_run;        // 8: the run in progress, or nullptr
    uint64_t user_rsp_scratch; // 16: SYSCALL entry's one free word
    uint64_t* tss_rsp0;        // 24: this CPU's TSS.rsp0
    uint32_t index;            // 32
    uint32_t apic_id;
    uint64_t fs_base, user_gs_base; // what FS_BASE and KERNEL_GS_BASE hold
    MetalContext* current;     // the running thread's context (nullptr: the boot context)
    MetalContext* fpu_owner;   // whose application SSE/x87 state the CPU holds
    uint8_t* spare_fpu;        // a save area for the next thread that needs one (see claim_fpu)
    uint64_t active_root;      // physical root of the active address space, 0: the kernel's
    bool in_idle;              // halted in husk_plat_yield
    uint32_t kicked;           // a kick arrived since the last halt (atomic)
    uint32_t flush_pending;    // a TLB shootdown to acknowledge (atomic)
};

inline constexpr unsigned kMaxCpus = 16;
PerCpu& cpu_data(unsigned index);

inline PerCpu& this_cpu()
{
    PerCpu* p;
    asm volatile("movq %%gs:0, %0" : "=r"(p));
    return *p;
}

// Points this CPU's GS base at its block (at boot and at each AP's start).
void install_cpu_data(unsigned index);
// Whether the CPU has RDTSCP (and so TSC_AUX, which holds its number).
bool has_rdtscp();

} // namespace husk::x86
