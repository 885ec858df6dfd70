#include "Gdt.h"

namespace husk::x86 {

namespace {
struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

alignas(16) uint64_t g_gdt[7];
Tss g_tss;
// Stacks need no zeroing (see kernel.ld's .bss.noinit).
[[gnu::section(".bss.noinit")]] alignas(16) uint8_t g_double_fault_stack[16384];
[[gnu::section(".bss.noinit")]] alignas(16) uint8_t g_nmi_stack[8192];
} // namespace

} // namespace husk::x86

extern "C" {
// Address of TSS.rsp0, where userentry.S writes the stack for interrupts
// from ring 3.
uintptr_t husk_x86_tss_rsp0;
}

namespace husk::x86 {

void Gdt::init()
{
    g_gdt[0] = 0;
    g_gdt[1] = 0x00af9a000000ffff; // kernel code, 64-bit
    g_gdt[2] = 0x00cf92000000ffff; // kernel data
    g_gdt[3] = 0x00cff2000000ffff; // user data (DPL 3)
    g_gdt[4] = 0x00affa000000ffff; // user code, 64-bit (DPL 3)
    auto base = reinterpret_cast<uint64_t>(&g_tss);
    uint64_t limit = sizeof g_tss - 1;
    g_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((base >> 24) & 0xff) << 56);
    g_gdt[6] = base >> 32;
    g_tss.iomap_base = sizeof g_tss; // no I/O permission bitmap
    husk_x86_tss_rsp0 = base + 4;     // rsp[0] follows a 32-bit reserved field
    g_tss.ist[kDoubleFaultIst - 1] = reinterpret_cast<uint64_t>(g_double_fault_stack + sizeof g_double_fault_stack);
    g_tss.ist[kNmiIst - 1] = reinterpret_cast<uint64_t>(g_nmi_stack + sizeof g_nmi_stack);

    DescriptorPointer p { sizeof g_gdt - 1, reinterpret_cast<uint64_t>(g_gdt) };
    asm volatile("lgdt %0\n"
                 "pushq %1\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "movl %2, %%eax\n"
                 "movl %%eax, %%ds\n"
                 "movl %%eax, %%es\n"
                 "movl %%eax, %%ss\n"
                 "ltr %w3\n"
                 :
                 : "m"(p), "i"(uint64_t(kKernelCode)), "i"(uint32_t(kKernelData)), "r"(kTss)
                 : "rax", "memory");
}

void Gdt::set_kernel_stack(uint64_t top) { g_tss.rsp[0] = top; }
uint64_t Gdt::kernel_stack() { return g_tss.rsp[0]; }

} // namespace husk::x86
