// Kernel thread contexts on bare metal: the shared x86-64 swap, a guard page
// under every thread stack (an overflow faults instead of corrupting the
// page below), and interrupt masking with cli/sti.
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "../common/X86_64Swap.h"
#include "Cpu.h"
#include "Gdt.h"
#include "Paging.h"
#include "PerCpu.h"
#include "Smp.h"
#include "UserRun.h"
#include "Symbols.h"

namespace husk::x86 {
struct MetalContext {
    uint64_t sp;
    uint64_t guard; // unmapped page at the bottom of the stack, or 0
    // A thread preempted while running application code resumes it later:
    // its run and its ring-3 interrupt stack go with it.
    husk::x86::RunState* run;
    uint64_t user_interrupt_stack;
    // The thread's application SSE/x87 state while another thread's is in
    // the CPU (a kernel page, allocated when the thread first runs a program).
    uint8_t* fpu;
};
} // namespace husk::x86

namespace {
using husk::x86::MetalContext;
using husk::x86::this_cpu;
static_assert(sizeof(MetalContext) <= sizeof(husk_context_t));

MetalContext* as_metal(husk_context_t* c) { return reinterpret_cast<MetalContext*>(c); }


// FXSAVE image of a fresh thread: x87 control word 0x37f, MXCSR 0x1f80, all
// registers zero (what Linux gives a new program).
struct alignas(16) FreshFpu {
    uint8_t bytes[512] = {};
    constexpr FreshFpu()
    {
        bytes[0] = 0x7f, bytes[1] = 0x03;   // FCW
        bytes[24] = 0x80, bytes[25] = 0x1f; // MXCSR
    }
};
constexpr FreshFpu kFreshFpu;
} // namespace

namespace husk::x86 {

// Lazily switched: kernel code never touches SSE/x87, so the state in the
// CPU is the last program thread's until another program thread runs.
// A thread's save area comes from its CPU's spare, which a context switch
// (always under the kernel's lock) refills: husk_plat_user_run claims the
// FPU after the kernel has let go of its big lock, where the kernel's page
// allocator must not be called.
void claim_fpu()
{
    MetalContext* me = this_cpu().current;
    if (!me || me == this_cpu().fpu_owner)
        return;
    if (this_cpu().fpu_owner && this_cpu().fpu_owner->fpu)
        asm volatile("fxsave64 (%0)" ::"r"(this_cpu().fpu_owner->fpu) : "memory");
    if (!me->fpu) {
        me->fpu = this_cpu().spare_fpu;
        this_cpu().spare_fpu = nullptr;
        if (!me->fpu && Smp::count() <= 1) // one CPU: nothing else runs the kernel meanwhile
            me->fpu = static_cast<uint8_t*>(husk_kernel_page_alloc());
        if (!me->fpu)
            return; // no memory: the thread shares the state in the CPU (and this_cpu().fpu_owner stays)
        __builtin_memcpy(me->fpu, kFreshFpu.bytes, sizeof kFreshFpu.bytes);
    }
    asm volatile("fxrstor64 (%0)" ::"r"(me->fpu) : "memory");
    this_cpu().fpu_owner = me;
}

// Called where the kernel holds its lock (a context switch, an address
// space's activation, a signal's FPU save or restore).
void refill_spare_fpu()
{
    if (!this_cpu().spare_fpu)
        this_cpu().spare_fpu = static_cast<uint8_t*>(husk_kernel_page_alloc());
}

namespace {
// The MXCSR bits this CPU accepts (FXSAVE's MXCSR_MASK; 0 there means the
// original SSE's 0xffbf): a restore with any other set would #GP.
uint32_t mxcsr_mask()
{
    static uint32_t mask;
    if (!mask) {
        alignas(16) uint8_t image[512] = {};
        asm volatile("fxsave64 %0" : "=m"(image));
        __builtin_memcpy(&mask, image + 28, sizeof mask);
        if (!mask)
            mask = 0xffbf;
    }
    return mask;
}
} // namespace

} // namespace husk::x86

// The calling thread's application state: claim_fpu puts it in the CPU
// (saving whoever else's is there), where FXSAVE and FXRSTOR reach it.
extern "C" int husk_plat_user_fpu_save(void* buf, size_t len)
{
    using namespace husk::x86;
    if (len < sizeof kFreshFpu.bytes)
        return -kstd::EINVAL;
    refill_spare_fpu();
    claim_fpu();
    alignas(16) uint8_t image[512];
    asm volatile("fxsave64 %0" : "=m"(image));
    __builtin_memcpy(buf, image, sizeof image);
    return 0;
}

extern "C" int husk_plat_user_fpu_restore(const void* buf, size_t len)
{
    using namespace husk::x86;
    alignas(16) uint8_t image[512];
    if (!buf) {
        __builtin_memcpy(image, kFreshFpu.bytes, sizeof image);
    } else {
        if (len < sizeof image)
            return -kstd::EINVAL;
        __builtin_memcpy(image, buf, sizeof image);
        uint32_t mxcsr;
        __builtin_memcpy(&mxcsr, image + 24, sizeof mxcsr);
        if (mxcsr & ~mxcsr_mask())
            return -kstd::EINVAL;
    }
    refill_spare_fpu();
    claim_fpu();
    asm volatile("fxrstor64 %0" ::"m"(image));
    return 0;
}

extern "C" void husk_plat_cpu_refill(void) { husk::x86::refill_spare_fpu(); }

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
    if (this_cpu().fpu_owner == c)
        this_cpu().fpu_owner = nullptr;
    if (c->fpu) {
        husk_kernel_page_free(c->fpu);
        c->fpu = nullptr;
    }
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
    // Another CPU may run `from` next: its program state goes to memory
    // now rather than staying in this CPU until someone claims it.
    if (this_cpu().fpu_owner == f && f->fpu && Smp::count() > 1) {
        asm volatile("fxsave64 (%0)" ::"r"(f->fpu) : "memory");
        this_cpu().fpu_owner = nullptr;
    }
    f->run = UserRun::current();
    f->user_interrupt_stack = Gdt::kernel_stack();
    UserRun::set_current(t->run);
    Gdt::set_kernel_stack(t->user_interrupt_stack);
    this_cpu().current = t;
    if (t->run) {
        // Preempted in its program: it resumes there straight from the
        // interrupt, so its program state must be in the CPU now.
        claim_fpu();
        UserRun::load_bases(*t->run->regs);
    }
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
