#include "Faults.h"
#include "UserRun.h"
#include <husk/platform.h>
#include "Cpu.h"
#include "Console.h"
#include "../../kernel/kstd/Format.h"
#include "Symbols.h"

namespace husk::x86 {

namespace {
// Pairs {faulting instruction, where to resume} emitted by UserCopy.S.
struct ExtableEntry {
    uint64_t fault_ip;
    uint64_t fixup_ip;
};
} // namespace
} // namespace husk::x86

extern "C" const husk::x86::ExtableEntry husk_extable_start[], husk_extable_end[];

namespace husk::x86 {

namespace {
constexpr uint64_t kDoubleFault = 8;
constexpr uint64_t kPageFault = 14;
constexpr uint64_t kGeneralProtection = 13;

bool fixup(InterruptFrame& f)
{
    if (f.vector != kPageFault && f.vector != kGeneralProtection)
        return false;
    for (const ExtableEntry* e = husk_extable_start; e < husk_extable_end; ++e) {
        if (e->fault_ip == f.rip) {
            f.rip = e->fixup_ip;
            return true;
        }
    }
    return false;
}

void print_symbol(const char* label, uint64_t addr)
{
    char name[160];
    if (Symbols::lookup(addr, name, sizeof name) != 0)
        name[0] = '?', name[1] = 0;
    Console::print("%s%016lx %s\n", label, addr, name);
}

void backtrace(uint64_t rbp)
{
    Console::print("backtrace:\n");
    auto* frame = reinterpret_cast<uint64_t*>(rbp);
    uint64_t previous = 0;
    unsigned repeats = 0;
    for (int depth = 0; frame && depth < 64; ++depth) {
        auto a = reinterpret_cast<uintptr_t>(frame);
        // Only walk memory that is mapped kernel memory.
        if (a < kDirectMap || (a & 7) || !Symbols::readable(a, 16))
            break;
        uint64_t ret = frame[1];
        if (!ret)
            break;
        if (ret == previous) {
            ++repeats; // deep recursion: one line, with a count
        } else {
            if (repeats)
                Console::print("  ... the frame above repeated %u more times\n", repeats);
            repeats = 0;
            char label[16];
            kstd::format(label, sizeof label, "  #%d ", depth);
            print_symbol(label, ret);
        }
        previous = ret;
        auto* next = reinterpret_cast<uint64_t*>(frame[0]);
        if (next <= frame)
            break;
        frame = next;
    }
    if (repeats)
        Console::print("  ... the frame above repeated %u more times\n", repeats);
}
} // namespace

const char* Faults::name(uint64_t vector)
{
    static const char* const names[] = {
        "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
        "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
        "invalid TSS", "segment not present", "stack-segment fault", "general protection fault",
        "page fault", "reserved", "x87 floating-point error", "alignment check", "machine check",
        "SIMD floating-point error", "virtualization exception", "control protection exception",
    };
    return vector < sizeof names / sizeof names[0] ? names[vector] : "reserved exception";
}

void Faults::handle(InterruptFrame& f)
{
    if (fixup(f) || UserRun::exception(f))
        return; // (a run that ended does not come back here)
    Console::print("\nhusk: CPU exception %lu (%s) in %s mode, error code 0x%lx\n", f.vector, name(f.vector),
                  f.from_user() ? "user" : "kernel", f.error);
    if (f.vector == kDoubleFault) {
        uint64_t addr = read_cr2();
        if (Symbols::is_guard_page(addr))
            Console::print("  kernel stack overflow: fault at %016lx in a stack guard page\n", addr);
    }
    if (f.vector == kPageFault) {
        uint64_t addr = read_cr2();
        Console::print("  fault address %016lx (%s, %s, %s)%s\n", addr, (f.error & 1) ? "protection violation" : "not present",
                      (f.error & 2) ? "write" : ((f.error & 16) ? "instruction fetch" : "read"),
                      (f.error & 4) ? "user" : "supervisor",
                      Symbols::is_guard_page(addr) ? " — kernel stack overflow (guard page)" : "");
    }
    print_symbol("  rip ", f.rip);
    Console::print("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
    Console::print("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
    Console::print("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
    Console::print("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
    Console::print("  cs %04lx ss %04lx rflags %08lx cr3 %016lx\n", f.cs, f.ss, f.rflags, read_cr3());
    if (!f.from_user())
        backtrace(f.rbp);
    husk_plat_halt(HUSK_EXIT_PANIC);
}

} // namespace husk::x86
