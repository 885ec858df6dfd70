#include "UserThread.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "../proc/Futex.h"
#include "../proc/Process.h"
#include "../proc/Signals.h"
#include "../syscall/SyscallTable.h"
#include "ElfImage.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;

namespace {
struct Start : kstd::HeapObject {
    Process* process;
    husk_user_regs regs;
};

// The signal Linux sends for a CPU trap.
int signal_for(const husk_trap& trap)
{
    if (trap.kind == HUSK_TRAP_PAGE_FAULT)
        return linux::SIGSEGV;
    switch (trap.vector) {
    case 0: case 16: case 19: return linux::SIGFPE; // divide error, x87 and SIMD exceptions
    case 1: case 3: return linux::SIGTRAP;
    case 6: return linux::SIGILL;
    case 17: return linux::SIGBUS;                  // alignment check
    default: return linux::SIGSEGV;                 // general protection, stack segment, ...
    }
}

} // namespace

ErrorOr<Thread*> UserThread::start(Process& process, const husk_user_regs& regs)
{
    auto* s = new Start();
    if (!s)
        return err(kstd::ENOMEM);
    s->process = &process;
    s->regs = regs;
    Thread* t = Thread::create(process.name(), main, s, &process);
    if (!t) {
        delete s;
        return err(kstd::EAGAIN);
    }
    process.add_program_thread();
    return t;
}

void UserThread::main(void* arg)
{
    auto* start = static_cast<Start*>(arg);
    Process& process = *start->process;
    husk_user_regs regs = start->regs;
    delete start;
    Thread* self = Scheduler::current();
    self->set_user_regs(&regs);
    while (!process.exiting() && !self->exit_requested()) {
        husk_trap trap {};
        if (husk_plat_user_run(&regs, &trap) < 0) {
            klog(LogLevel::Error, "%s: this platform cannot run programs", process.name());
            process.exit(127);
            break;
        }
        if (process.exiting())
            break; // another thread ended the program while this one ran
        if (trap.kind == HUSK_TRAP_SYSCALL) {
            const uint64_t a[6] = { regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9 };
            regs.rax = uint64_t(SyscallTable::dispatch(long(regs.rax), a));
            continue;
        }
        if (trap.kind == HUSK_TRAP_PAGE_FAULT && process.address_space()->handle_fault(trap.address, trap.flags))
            continue;
        die_of(process, trap, regs);
    }
    self->set_user_regs(nullptr);
    if (process.exiting())
        return; // exit_group or a fatal signal: the whole program ends
    // exit(2): CLONE_CHILD_CLEARTID's word is zeroed and woken (pthread_join).
    if (uintptr_t tid_word = self->clear_child_tid()) {
        uint32_t zero = 0;
        if (user_copy_out(reinterpret_cast<void*>(tid_word), &zero, sizeof zero) == 0)
            Futex::wake(process.address_space(), tid_word, 1, Futex::kAnyBit);
    }
    if (process.remove_program_thread() == 0)
        process.exit(self->exit_code()); // the last thread's status is the process's
}

void UserThread::die_of(Process& process, const husk_trap& trap, const husk_user_regs& regs)
{
    int signal = signal_for(trap);
    char where[128] = "?";
    if (process.image())
        process.image()->symbolize(regs.rip - process.load_bias(), where, sizeof where);
    if (trap.kind == HUSK_TRAP_PAGE_FAULT) {
        klog(LogLevel::Error, "%s killed by %s: %s of address 0x%lx (%s) at rip 0x%lx (%s)", process.name(),
             Signals::describe(signal), (trap.flags & HUSK_FAULT_EXEC) ? "execution" : (trap.flags & HUSK_FAULT_WRITE) ? "write" : "read",
             (unsigned long)trap.address, (trap.flags & HUSK_FAULT_PRESENT) ? "not allowed" : "not mapped",
             (unsigned long)regs.rip, where);
    } else {
        klog(LogLevel::Error, "%s killed by %s: CPU exception %u (error code 0x%x) at rip 0x%lx (%s)", process.name(),
             Signals::describe(signal), trap.vector, trap.error, (unsigned long)regs.rip, where);
    }
    klog(LogLevel::Error, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx", (unsigned long)regs.rax,
         (unsigned long)regs.rbx, (unsigned long)regs.rcx, (unsigned long)regs.rdx);
    klog(LogLevel::Error, "  rsi %016lx rdi %016lx rbp %016lx rsp %016lx", (unsigned long)regs.rsi,
         (unsigned long)regs.rdi, (unsigned long)regs.rbp, (unsigned long)regs.rsp);
    Signals::terminate(process, signal);
}

} // namespace husk
