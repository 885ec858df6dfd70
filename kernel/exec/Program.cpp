#include "Program.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../mm/AddressSpace.h"
#include "../proc/Process.h"
#include "../syscall/SyscallTable.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;

namespace {
constexpr int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

const char* signal_name(int s)
{
    switch (s) {
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGTRAP: return "SIGTRAP (breakpoint)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic exception)";
    default: return "SIGSEGV (segmentation fault)";
    }
}
} // namespace

int Program::signal_for(const husk_trap& trap)
{
    if (trap.kind == HUSK_TRAP_PAGE_FAULT)
        return SIGSEGV;
    switch (trap.vector) {
    case 0: case 16: case 19: return SIGFPE; // divide error, x87 and SIMD exceptions
    case 1: case 3: return SIGTRAP;
    case 6: return SIGILL;
    case 17: return SIGBUS;                  // alignment check
    default: return SIGSEGV;                 // general protection, stack segment, ...
    }
}

void Program::report_fault(const ElfImage& image, uint64_t bias, const husk_trap& trap, const husk_user_regs& regs,
                           int signal)
{
    char where[128] = "?";
    image.symbolize(regs.rip - bias, where, sizeof where);
    if (trap.kind == HUSK_TRAP_PAGE_FAULT) {
        klog(LogLevel::Error, "%s killed by %s: %s of address 0x%lx (%s) at rip 0x%lx (%s)", Process::current().name(),
             signal_name(signal), (trap.flags & HUSK_FAULT_EXEC) ? "execution" : (trap.flags & HUSK_FAULT_WRITE) ? "write" : "read",
             (unsigned long)trap.address, (trap.flags & HUSK_FAULT_PRESENT) ? "not allowed" : "not mapped",
             (unsigned long)regs.rip, where);
    } else {
        klog(LogLevel::Error, "%s killed by %s: CPU exception %u (error code 0x%x) at rip 0x%lx (%s)",
             Process::current().name(), signal_name(signal), trap.vector, trap.error, (unsigned long)regs.rip, where);
    }
    klog(LogLevel::Error, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx", (unsigned long)regs.rax,
         (unsigned long)regs.rbx, (unsigned long)regs.rcx, (unsigned long)regs.rdx);
    klog(LogLevel::Error, "  rsi %016lx rdi %016lx rbp %016lx rsp %016lx", (unsigned long)regs.rsi,
         (unsigned long)regs.rdi, (unsigned long)regs.rbp, (unsigned long)regs.rsp);
}

ErrorOr<int> Program::run(Process& process, const uint8_t* elf, size_t size, const ProgramArgs& args)
{
    const char* name = args.argv.is_empty() ? "program" : args.argv[0].data();
    ElfImage image = TRY(ElfImage::parse(elf, size, name));
    kstd::RefPtr<AddressSpace> as = TRY(AddressSpace::create());
    LoadedProgram loaded = TRY(ProgramLoader::load(*as, image, args));
    process.set_address_space(as);
    process.set_name(name);
    as->activate();

    husk_user_regs regs {};
    regs.rip = loaded.entry;
    regs.rsp = loaded.stack_pointer;
    regs.rflags = 0x202;
    Thread* thread = Scheduler::current();
    thread->set_user_regs(&regs);
    int status = 0;
    for (;;) {
        husk_trap trap {};
        if (int r = husk_plat_user_run(&regs, &trap); r < 0)
            return err(-r);
        if (trap.kind == HUSK_TRAP_SYSCALL) {
            const uint64_t a[6] = { regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9 };
            regs.rax = uint64_t(SyscallTable::dispatch(long(regs.rax), a));
            if (process.exiting()) {
                status = process.exit_status();
                break;
            }
            continue;
        }
        if (trap.kind == HUSK_TRAP_PAGE_FAULT && as->handle_fault(trap.address, trap.flags))
            continue;
        int signal = signal_for(trap);
        report_fault(image, loaded.load_bias, trap, regs, signal);
        status = 128 + signal;
        break;
    }
    thread->set_user_regs(nullptr);
    return status;
}

} // namespace husk
