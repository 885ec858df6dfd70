// Kernel thread contexts on bare metal: the shared x86-64 swap, a guard page
// under every thread stack (an overflow faults instead of corrupting the
// page below), and interrupt masking with cli/sti.
#include <husk/platform.h>
#include "../common/X86_64Swap.h"
#include "Cpu.h"
#include "Gdt.h"
#include "Paging.h"
#include "UserRun.h"
#include "Symbols.h"

namespace {
struct MetalContext {
    uint64_t sp;
    uint64_t guard; // unmapped page at the bottom of the stack, or 0
    // A thread preempted while running application code resumes it later:
    // its run and its ring-3 interrupt stack go with it.
    husk::x86::RunState* run;
    uint64_t user_interrupt_stack;
};
static_assert(sizeof(MetalContext) <= sizeof(husk_context_t));

MetalContext* as_metal(husk_context_t* c) { return reinterpret_cast<MetalContext*>(c); }
} // namespace

// Threads start with interrupts on: the switch that started them ran with
// them off, and no irq_restore follows on a fresh stack.
extern "C" void husk_context_started(void*) { husk::x86::sti(); }

extern "C" void husk_plat_context_init(husk_context_t* ctx, void* stack, size_t stack_size, void (*entry)(void*), void* arg)
{
    using namespace husk::x86;
    __builtin_memset(ctx, 0, sizeof *ctx);
    auto* c = as_metal(ctx);
    auto base = reinterpret_cast<uintptr_t>(stack);
    // The lowest page becomes the guard when the stack is page aligned and
    // big enough to give one up (kernel stacks are 64 KiB).
    if ((base & (kPage - 1)) == 0 && stack_size >= 4 * kPage && Paging::unmap_page(base)) {
        c->guard = base;
        Symbols::add_guard_page(base);
    }
    c->sp = husk::x86_64_initial_frame(stack, stack_size, entry, arg);
}

extern "C" void husk_plat_context_destroy(husk_context_t* ctx)
{
    using namespace husk::x86;
    auto* c = as_metal(ctx);
    if (c->guard) {
        Paging::remap_direct_page(c->guard);
        Symbols::remove_guard_page(c->guard);
        c->guard = 0;
    }
}

extern "C" void husk_plat_context_switch(husk_context_t* from, husk_context_t* to)
{
    using namespace husk::x86;
    MetalContext* f = as_metal(from);
    MetalContext* t = as_metal(to);
    f->run = UserRun::current();
    f->user_interrupt_stack = Gdt::kernel_stack();
    UserRun::set_current(t->run);
    Gdt::set_kernel_stack(t->user_interrupt_stack);
    husk_x86_64_swap_gpr(&f->sp, t->sp);
}

extern "C" unsigned long husk_plat_irq_disable(void)
{
    uint64_t flags = husk::x86::read_flags();
    husk::x86::cli();
    return flags & husk::x86::kFlagIf;
}

extern "C" void husk_plat_irq_restore(unsigned long state)
{
    if (state & husk::x86::kFlagIf)
        husk::x86::sti();
}
