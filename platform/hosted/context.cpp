// Kernel thread contexts on host stacks. The kernel's scheduler decides;
// this file only saves and restores registers, and tells AddressSanitizer
// about each stack switch so it does not mistake them for overflows.
#include <husk/platform.h>
#include <cerrno>
#include <cstring>
#include "../common/X86_64Swap.h"
#include "../common/X86CpuIdentity.h"

#if defined(__SANITIZE_ADDRESS__)
#define HUSK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUSK_ASAN 1
#endif
#endif

#ifdef HUSK_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace {

struct HostContext {
    uint64_t sp;
    const void* stack_bottom; // unknown (null) for adopted contexts until first left
    size_t stack_size;
    void* fake_stack;
};
static_assert(sizeof(HostContext) <= sizeof(husk_context_t));

HostContext* as_host(husk_context_t* c) { return reinterpret_cast<HostContext*>(c); }

// The context being left by the switch in progress.
HostContext* g_leaving;

void finished_switch([[maybe_unused]] HostContext* self)
{
#ifdef HUSK_ASAN
    const void* bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(self ? self->fake_stack : nullptr, &bottom, &size);
    if (g_leaving && !g_leaving->stack_bottom) {
        g_leaving->stack_bottom = bottom;
        g_leaving->stack_size = size;
    }
#endif
}

} // namespace

extern "C" void husk_context_started(void*) { finished_switch(nullptr); }

extern "C" void husk_plat_context_init(husk_context_t* ctx, void* stack, size_t stack_size, void (*entry)(void*), void* arg)
{
    std::memset(ctx, 0, sizeof *ctx);
    auto* c = as_host(ctx);
    c->stack_bottom = stack;
    c->stack_size = stack_size;
    c->sp = husk::x86_64_initial_frame(stack, stack_size, entry, arg);
}

// Hosted stacks are plain kernel heap pages: nothing to release.
extern "C" void husk_plat_context_destroy(husk_context_t*) {}

extern "C" void husk_plat_context_switch(husk_context_t* from, husk_context_t* to)
{
    HostContext* f = as_host(from);
    HostContext* t = as_host(to);
    g_leaving = f;
#ifdef HUSK_ASAN
    __sanitizer_start_switch_fiber(&f->fake_stack, t->stack_bottom, t->stack_size);
#endif
    husk_x86_64_swap(&f->sp, t->sp);
    finished_switch(f);
}

extern "C" unsigned long husk_plat_irq_disable(void) { return 0; }
extern "C" void husk_plat_irq_restore(unsigned long) {}

// The hosted kernel runs on one CPU (its host thread).
extern "C" unsigned husk_plat_cpu_count(void) { return 1; }
extern "C" unsigned husk_plat_cpu_id(void) { return 0; }
extern "C" int husk_plat_cpu_start(void (*)(unsigned)) { return -ENOSYS; }
extern "C" void husk_plat_cpu_kick(unsigned) {}
// No per-CPU reserves.
extern "C" void husk_plat_cpu_refill(void) {}
extern "C" void husk_plat_cpu_relax(void) { __builtin_ia32_pause(); }

// The host's CPU as CPUID shows it to this process; its clock from the
// frequency leaf where the CPU has one (0 otherwise).
extern "C" int husk_plat_cpu_info(unsigned cpu, husk_cpu_info* info)
{
    if (cpu != 0)
        return -EINVAL;
    unsigned max_leaf, ebx, ecx, edx, mhz = 0;
    asm volatile("cpuid" : "=a"(max_leaf), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0), "c"(0));
    if (max_leaf >= 0x16)
        asm volatile("cpuid" : "=a"(mhz), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x16), "c"(0));
    husk::x86::cpu_identity(*info, 0, 1, uint64_t(mhz & 0xffff) * 1000);
    return 0;
}
