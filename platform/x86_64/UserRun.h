// Running application code: husk_plat_user_run enters ring 3 and comes back
// at the application's next SYSCALL or CPU exception (gVisor's "switch"
// model: the kernel stays in charge of a loop, the platform only runs).
#pragma once

#include <husk/platform.h>
#include "InterruptFrame.h"

namespace husk::x86 {

// The run in progress on this CPU (layout shared with userentry.S).
struct RunState {
    uint64_t kernel_rsp;
    uint64_t regs_top; // &regs->fs_base: SYSCALL pushes the registers below it
    husk_user_regs* regs;
    husk_trap* trap;
};

// Loads the calling thread's application SSE/x87 state (Context.cpp).
void claim_fpu();
// Gives this CPU a spare FPU save area; only where the kernel holds its lock.
void refill_spare_fpu();

class UserRun {
public:
    // SYSCALL/SYSRET model-specific registers.
    static void init();
    // A CPU exception in ring 3 ends the run: true if it was handled (never
    // returns then); false when no run is in progress (a platform bug).
    static bool exception(InterruptFrame& frame);
    // An interrupt of ring 3 after which the kernel wants the thread back
    // (husk_kernel_interrupt_return): ends the run with
    // HUSK_TRAP_INTERRUPTED; never returns.
    [[noreturn]] static void interrupted(const InterruptFrame& frame);
    // Kept per kernel thread across context switches.
    static RunState* current();
    static void set_current(RunState* run);
    // Puts the program's FS/GS bases in the MSRs (if they differ): before
    // entering it, and when a thread preempted in it resumes.
    static void load_bases(const husk_user_regs& regs);
};

} // namespace husk::x86
