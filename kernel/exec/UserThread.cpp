#include "UserThread.h"
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Reclaim.h"
#include "../core/BigLock.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "../kstd/Format.h"
#include "../init/Config.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "../proc/Futex.h"
#include "../proc/CpuTimers.h"
#include "../proc/Process.h"
#include "../proc/RobustFutex.h"
#include "../proc/Signals.h"
#include "../syscall/SyscallTable.h"
#include "ElfImage.h"

namespace husk {

namespace {
struct Start : kstd::HeapObject {
    Process* process;
    husk_user_regs regs;
};

// The signal Linux sends for a fault.
int signal_for(const husk_trap& trap)
{
    switch (trap.kind) {
    case HUSK_TRAP_ILLEGAL: return linux::SIGILL;
    case HUSK_TRAP_ARITHMETIC: return linux::SIGFPE;
    case HUSK_TRAP_BREAKPOINT: return linux::SIGTRAP;
    case HUSK_TRAP_ALIGNMENT: return linux::SIGBUS;
    default: return linux::SIGSEGV; // page faults, general protection, the rest
    }
}

// The siginfo Linux gives a fault's signal: why (si_code: a page fault
// inside a mapping is an access error, elsewhere a mapping error) and where
// (si_addr: the address a page fault touched, the instruction of an
// illegal opcode or a divide error; none for protection faults).
// A page fault past the end of a mapped file or on a page the disk could
// not give (`signal` SIGBUS) is BUS_ADRERR at the address.
linux::siginfo info_for(const husk_trap& trap, Process& process, int signal)
{
    linux::siginfo info {};
    info.si_signo = signal ? signal : signal_for(trap);
    switch (trap.kind) {
    case HUSK_TRAP_PAGE_FAULT:
        if (signal == linux::SIGBUS)
            info.si_code = linux::BUS_ADRERR;
        else
            info.si_code = process.address_space()->region_at(trap.address) ? linux::SEGV_ACCERR : linux::SEGV_MAPERR;
        info.si_addr = trap.address;
        break;
    case HUSK_TRAP_ILLEGAL:
        info.si_code = linux::ILL_ILLOPN;
        info.si_addr = trap.address;
        break;
    case HUSK_TRAP_ARITHMETIC:
        info.si_code = (trap.flags & HUSK_FAULT_INTEGER) ? linux::FPE_INTDIV : linux::FPE_FLTINV;
        info.si_addr = trap.address;
        break;
    case HUSK_TRAP_ALIGNMENT:
        info.si_code = linux::BUS_ADRALN;
        break;
    default:
        info.si_code = linux::SI_KERNEL; // breakpoints, protection faults, the rest
        break;
    }
    return info;
}

// Serves a trap without the big lock if it can: a system call that runs
// without it (SyscallTable::runs_unlocked), or a first touch of private
// anonymous memory (AddressSpace::fault_unlocked). false: the trap is
// left to the caller, under the big lock. `restart`: the call's result
// is a restart errno.
bool serve_unlocked(Thread& self, Process& process, husk_user_regs& regs, const husk_trap& trap, bool& restart)
{
    restart = false;
    if (trap.kind == HUSK_TRAP_PAGE_FAULT) {
        if (!process.address_space()->fault_unlocked(trap.address, trap.flags))
            return false;
        self.run_program_ended();
        self.count_minor_fault();
        return true;
    }
    if (trap.kind != HUSK_TRAP_SYSCALL)
        return false;
    long nr = husk_user_syscall_nr(&regs);
    if (!SyscallTable::runs_unlocked(nr))
        return false;
    self.run_program_ended();
    uint64_t args[6];
    husk_user_syscall_args(&regs, args);
    self.signals().syscall_nr = nr; // rt_sigreturn clears it
    long result = SyscallTable::dispatch(nr, args);
    husk_user_syscall_return(&regs, uint64_t(result));
    // A restart errno: Signals::deliver acts on it on the way back.
    restart = result < 0 && kstd::is_restart(int(-result));
    return true;
}

// Runs the program until something needs the big lock: what
// serve_unlocked answers is answered here, and the program resumes at
// once while nothing else waits for the thread (a signal, an exit,
// CPU-time timers, a call to restart). Called without the big lock;
// `served`: the last trap was answered already.
int run_program(Thread& self, Process& process, husk_user_regs& regs, husk_trap& trap, bool& served)
{
    served = false;
    for (;;) {
        int ran = husk_plat_user_run(&regs, &trap);
        bool restart;
        if (ran < 0 || !BigLock::enabled() || !serve_unlocked(self, process, regs, trap, restart))
            return ran;
        if (restart || self.needs_attention() || self.signal_pending() || self.exit_requested() || process.exiting()
            || process.cpu_timers_armed()) {
            served = true;
            return ran;
        }
        self.run_program_began();
    }
}

const char* access_of(const husk_trap& trap)
{
    return (trap.flags & HUSK_FAULT_EXEC) ? "execution" : (trap.flags & HUSK_FAULT_WRITE) ? "write" : "read";
}

// The registers the architecture shows in a crash report, four a line.
void log_registers(const husk_user_regs& regs)
{
    const char* names[32];
    uint64_t values[32];
    size_t count = kstd::min(husk_user_regs_report(&regs, names, values, 32), size_t(32));
    for (size_t first = 0; first < count; first += 4) {
        char line[160];
        size_t length = 0;
        for (size_t i = first; i < count && i < first + 4 && length < sizeof line; ++i)
            length += kstd::format(line + length, sizeof line - length, "%s%s %016lx", i == first ? "  " : " ",
                                   names[i], (unsigned long)values[i]);
        klog(LogLevel::Error, "%s", line);
    }
}
} // namespace

ErrorOr<Thread*> UserThread::start(Process& process, const husk_user_regs& regs, uint32_t tid)
{
    auto* s = new Start();
    if (!s)
        return err(kstd::ENOMEM);
    s->process = &process;
    s->regs = regs;
    Thread* t = Thread::create_stopped(process.name(), main, s, &process, tid);
    if (!t) {
        delete s;
        return err(kstd::EAGAIN);
    }
    // Set before a CPU may switch to it (the switch activates its space).
    t->set_user_space(process.address_space()->platform_handle());
    // clone and fork: the creator's CPUs (sched_setaffinity's mask).
    Scheduler::set_affinity(*t, Scheduler::current()->affinity());
    Signals::thread_started(process, *t);
    Scheduler::wake(*t);
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
    ThreadSignals& signals = self->signals();
    Signals::recalc(*self); // signals sent before it ran
    for (;;) {
        // Signals act on the way back to the program (a handler's frame, a
        // default action, the restart of an interrupted call).
        self->clear_attention();
        Signals::deliver(*self, regs);
        if (process.exiting() || self->exit_requested())
            break;
        husk_trap trap {};
        self->set_watch_cpu_time(process.cpu_timers_armed());
        self->run_program_began();
        // The program runs without the big lock: other CPUs run the kernel
        // meanwhile. The platform's reserves first (it takes from them then).
        husk_plat_cpu_refill();
        BigLock::release();
        bool served;
        int ran = run_program(*self, process, regs, trap, served);
        BigLock::acquire();
        if (!served)
            self->run_program_ended();
        CpuTimers::check(process);
        if (ran < 0) {
            klog(LogLevel::Error, "%s: this platform cannot run programs", process.name());
            process.exit(127);
            break;
        }
        if (process.exiting())
            break; // another thread ended the program while this one ran
        if (served)
            continue; // an unlocked call, answered: signals, exit, ... at the top
        // A safe point (nothing held, may sleep): caches give memory back
        // while it is short, before a call or a fault needs it.
        Reclaim::balance();
        if (trap.kind == HUSK_TRAP_SYSCALL) {
            uint64_t args[6];
            husk_user_syscall_args(&regs, args);
            signals.syscall_nr = husk_user_syscall_nr(&regs); // rt_sigreturn clears it
            long result = SyscallTable::dispatch(signals.syscall_nr, args);
            husk_user_syscall_return(&regs, uint64_t(result));
            if (Scheduler::slice_over())
                (void)Scheduler::interrupt_return(true);
            continue;
        }
        if (trap.kind == HUSK_TRAP_INTERRUPTED) {
            // A signal to act on; with more than one CPU, also the end of a
            // slice or a kick, which the platform leaves to this loop.
            if (BigLock::enabled())
                (void)Scheduler::interrupt_return(true);
            continue;
        }
        int signal = 0; // the trap's own (signal_for), unless a fault says otherwise
        if (trap.kind == HUSK_TRAP_PAGE_FAULT) {
            auto fault = process.address_space()->handle_fault(trap.address, trap.flags);
            if (fault == AddressSpace::Fault::OutOfMemory) {
                // Before the OOM killer: the caches' memory, and once more.
                (void)Reclaim::reclaim(1);
                fault = process.address_space()->handle_fault(trap.address, trap.flags);
            }
            if (fault == AddressSpace::Fault::Resolved) {
                self->count_minor_fault();
                continue;
            }
            if (fault == AddressSpace::Fault::OutOfMemory) {
                die_of_out_of_memory(process, trap);
                break;
            }
            signals.fault_address = trap.address;
            if (fault == AddressSpace::Fault::BusError)
                signal = linux::SIGBUS; // past the end of a mapped file, a disk error (BUS_ADRERR)
        }
        // What sigcontext shows of the fault; its signal goes to the
        // program's handler if it has one it does not block.
        signals.fault_code = trap.code;
        signals.fault_error = trap.error;
        if (Signals::fault(*self, info_for(trap, process, signal)))
            continue;
        die_of(process, trap, regs, signal);
    }
    self->set_user_regs(nullptr);
    // Locks it still holds go to their waiters (robust and PI futexes).
    RobustFutex::release(*self);
    // exit(2): CLONE_CHILD_CLEARTID's word is zeroed and woken (pthread_join);
    // pointless when the whole program ends.
    uintptr_t tid_word = self->clear_child_tid();
    if (tid_word && !process.exiting()) {
        uint32_t zero = 0;
        if (user_copy_out(reinterpret_cast<void*>(tid_word), &zero, sizeof zero) == 0)
            Futex::wake(FutexKey::of(process.address_space(), tid_word, true), 1, Futex::kAnyBit);
    }
    Signals::thread_ended(process, *self);
    // The process may go with its last thread (and its address space with
    // it): this thread no longer runs in either.
    self->set_user_space(nullptr);
    process.remove_program_thread(*self);
    self->set_process(nullptr);
}

void UserThread::die_of_out_of_memory(Process& process, const husk_trap& trap)
{
    // As Linux's OOM killer: SIGKILL (137), and a line saying so. The
    // memory in effect is husk run's -M ("mem=" on the command line), else
    // what the kernel was given.
    unsigned long total_mib = Config::get_number("mem", 0);
    if (!total_mib)
        total_mib = (unsigned long)((Heap::stats().total_pages * kPageSize + (1 << 20) - 1) >> 20);
    unsigned long resident_kib = (unsigned long)(process.address_space()->resident_pages() * (AddressSpace::kPage / 1024));
    klog(LogLevel::Error,
         "Out of memory: killed process %u (%s) with SIGKILL: no free page for address 0x%lx; "
         "anon-rss %lu kB of the guest's %lu MiB (husk run -M %lu: give it more with -M)",
         unsigned(process.pid()), process.name(), (unsigned long)trap.address, resident_kib, total_mib, total_mib);
    Signals::terminate(process, linux::SIGKILL);
}

void UserThread::die_of(Process& process, const husk_trap& trap, const husk_user_regs& regs, int signal)
{
    bool beyond_end = signal == linux::SIGBUS && trap.kind == HUSK_TRAP_PAGE_FAULT;
    if (!signal)
        signal = signal_for(trap);
    uint64_t ip = husk_user_ip(&regs);
    char where[128] = "?";
    if (process.image())
        process.image()->symbolize(ip, where, sizeof where);
    if (trap.kind == HUSK_TRAP_PAGE_FAULT) {
        klog(LogLevel::Error, "%s killed by %s: %s of address 0x%lx (%s) at %s 0x%lx (%s)", process.name(),
             Signals::describe(signal), access_of(trap), (unsigned long)trap.address,
             beyond_end ? "past the end of the mapped file" : (trap.flags & HUSK_FAULT_PRESENT) ? "not allowed" : "not mapped",
             HUSK_USER_IP_NAME, (unsigned long)ip,
             where);
    } else {
        klog(LogLevel::Error, "%s killed by %s: CPU exception %u (error code 0x%x) at %s 0x%lx (%s)", process.name(),
             Signals::describe(signal), trap.code, trap.error, HUSK_USER_IP_NAME, (unsigned long)ip, where);
    }
    log_registers(regs);
    Signals::terminate(process, signal);
}

} // namespace husk
