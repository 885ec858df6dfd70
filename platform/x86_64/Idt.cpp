#include "Idt.h"
#include "Faults.h"
#include "Gdt.h"
#include "Lapic.h"
#include "Preemption.h"

extern "C" char husk_x86_interrupt_stubs_start[];

namespace husk::x86 {

namespace {
struct [[gnu::packed]] Gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

struct Slot {
    Idt::Handler handler;
    void* context;
};

alignas(16) Gate g_idt[256];
Slot g_handlers[256];
uint8_t g_next_vector = Idt::kFirstIrqVector + 48; // after two I/O APICs of GSIs

// Present 64-bit interrupt gates; a DPL 3 gate is one ring 3 may raise
// itself with int N (else the CPU turns int N into a #GP).
constexpr uint8_t kKernelGate = 0x8e, kUserGate = 0xee;

void set_gate(unsigned vector, uint8_t ist, uint8_t type = kKernelGate)
{
    auto addr = reinterpret_cast<uint64_t>(husk_x86_interrupt_stubs_start) + 16 * vector;
    g_idt[vector] = { uint16_t(addr), Gdt::kKernelCode, ist, type, uint16_t(addr >> 16), uint32_t(addr >> 32), 0 };
}
} // namespace

void Idt::init()
{
    for (unsigned v = 0; v < 256; ++v)
        set_gate(v, 0);
    set_gate(8, Gdt::kDoubleFaultIst);
    set_gate(2, Gdt::kNmiIst);
    // int3 (breakpoint: SIGTRAP) and into (overflow), as Linux allows them.
    set_gate(3, 0, kUserGate);
    set_gate(4, 0, kUserGate);
    load();
}

void Idt::load()
{
    DescriptorPointer p { sizeof g_idt - 1, reinterpret_cast<uint64_t>(g_idt) };
    asm volatile("lidt %0" ::"m"(p));
}

bool Idt::set_handler(uint8_t vector, Handler handler, void* context)
{
    if (vector < kFirstIrqVector || g_handlers[vector].handler)
        return false;
    g_handlers[vector] = { handler, context };
    return true;
}

uint8_t Idt::allocate_vector()
{
    while (g_next_vector < kTimerVector && g_handlers[g_next_vector].handler)
        ++g_next_vector;
    return g_next_vector < kTimerVector ? g_next_vector++ : 0;
}

} // namespace husk::x86

extern "C" void husk_x86_interrupt(husk::x86::InterruptFrame* frame)
{
    using namespace husk::x86;
    auto vector = uint8_t(frame->vector);
    if (vector < Idt::kFirstIrqVector) {
        Faults::handle(*frame);
        return;
    }
    if (vector == Idt::kSpuriousVector)
        return; // no EOI for spurious interrupts
    if (g_handlers[vector].handler)
        g_handlers[vector].handler(g_handlers[vector].context);
    Lapic::end_of_interrupt();
    Preemption::at_interrupt_exit(*frame);
}
