#include "Preemption.h"
#include <husk/platform.h>
#include "Events.h"
#include "Idt.h"
#include "Lapic.h"
#include "Smp.h"
#include "UserRun.h"

namespace husk::x86 {

namespace {
uint64_t g_ticks;

void on_timer(void*)
{
    ++g_ticks;
    if (Smp::id() == 0) // the CPU that waits for the kernel's deadlines
        Events::post(HUSK_EVENT_TIMER);
    Preemption::restart_slice();
}
} // namespace

void Preemption::init()
{
    Idt::set_handler(Idt::kTimerVector, on_timer, nullptr);
}

void Preemption::restart_slice() { Lapic::arm(kSliceNs); }

void Preemption::at_interrupt_exit(const InterruptFrame& frame)
{
    if (Events::in_idle())
        return; // the idle thread handles what arrived when yield returns
    if (Smp::count() > 1) {
        // Application code runs without the big lock: the end of a slice
        // or a kick ends its run, and the kernel's program loop (with the
        // lock) decides. Kernel code: the kernel checks it holds the lock.
        if (frame.from_user()) {
            if (frame.vector == Idt::kTimerVector || frame.vector == Smp::kKickVector)
                UserRun::interrupted(frame); // never returns
            return;
        }
        husk_kernel_interrupt_return(0);
        return;
    }
    if (husk_kernel_interrupt_return(frame.from_user() ? 1 : 0) && frame.from_user())
        UserRun::interrupted(frame); // the kernel wants the thread back (a signal): never returns
}

uint64_t Preemption::ticks() { return g_ticks; }

} // namespace husk::x86
