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

// One GDT and TSS per CPU (the TSS holds the CPU's own interrupt stacks).
alignas(16) uint64_t g_gdt[Gdt::kMaxCpus][7];
Tss g_tss[Gdt::kMaxCpus];
// Stacks need no zeroing (see kernel.ld's .bss.noinit). The boot CPU's are
// static; an application processor's come with its kernel stack (Smp.cpp).
[[gnu::section(".bss.noinit")]] alignas(16) uint8_t g_double_fault_stack[16384];
[[gnu::section(".bss.noinit")]] alignas(16) uint8_t g_nmi_stack[8192];
} // namespace

} // namespace husk::x86

namespace husk::x86 {

void Gdt::init() { init_cpu(0, reinterpret_cast<uint64_t>(g_double_fault_stack + sizeof g_double_fault_stack),
                            reinterpret_cast<uint64_t>(g_nmi_stack + sizeof g_nmi_stack)); }

void Gdt::init_cpu(unsigned cpu, uint64_t double_fault_stack_top, uint64_t nmi_stack_top)
{
    uint64_t* gdt = g_gdt[cpu];
    Tss& tss = g_tss[cpu];
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffff; // kernel code, 64-bit
    gdt[2] = 0x00cf92000000ffff; // kernel data
    gdt[3] = 0x00cff2000000ffff; // user data (DPL 3)
    gdt[4] = 0x00affa000000ffff; // user code, 64-bit (DPL 3)
    auto base = reinterpret_cast<uint64_t>(&tss);
    uint64_t limit = sizeof tss - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;
    tss.iomap_base = sizeof tss; // no I/O permission bitmap
    // Where userentry.S puts the stack for interrupts from ring 3 (rsp[0]
    // follows a 32-bit reserved field: 4-byte aligned, which x86 allows).
    cpu_data(cpu).tss_rsp0 = reinterpret_cast<uint64_t*>(base + 4);
    tss.ist[kDoubleFaultIst - 1] = double_fault_stack_top;
    tss.ist[kNmiIst - 1] = nmi_stack_top;

    DescriptorPointer p { sizeof g_gdt[0] - 1, reinterpret_cast<uint64_t>(gdt) };
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

void Gdt::set_kernel_stack(uint64_t top) { *this_cpu().tss_rsp0 = top; }
uint64_t Gdt::kernel_stack() { return *this_cpu().tss_rsp0; }

} // namespace husk::x86
