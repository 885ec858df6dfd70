#include "UserRun.h"
#include "../../kernel/kstd/Errno.h"
#include "Cpu.h"
#include "Gdt.h"
#include "PerCpu.h"

extern "C" {
uint32_t husk_x86_enter_user(husk::x86::RunState* rs);
[[noreturn]] void husk_x86_leave_user(husk::x86::RunState* rs, uint32_t kind);
void husk_x86_syscall_entry();
}

namespace husk::x86 {

namespace {
constexpr uint32_t kEfer = 0xc0000080, kStar = 0xc0000081, kLstar = 0xc0000082, kFmask = 0xc0000084;
constexpr uint32_t kFsBase = 0xc0000100, kKernelGsBase = 0xc0000102; // the application's GS base while in the kernel
constexpr uint64_t kEferSyscall = 1;
// Flags SYSCALL clears: TF, DF, IF, IOPL, NT, AC (as Linux does).
constexpr uint64_t kSyscallMask = 0x47700;
// Flags an application may set; IF and the reserved bit 1 are forced on.
constexpr uint64_t kUserFlags = 0x240dd5, kForcedFlags = 0x202;
constexpr uint64_t kPageFaultVector = 14;

bool user_address(uint64_t a) { return a < kUserTop; }

// The kind of fault an exception vector is (the signal Linux sends for it).
uint32_t fault_kind(uint64_t vector)
{
    switch (vector) {
    case 0: case 16: case 19: return HUSK_TRAP_ARITHMETIC; // divide error, x87 and SIMD exceptions
    case 1: case 3: return HUSK_TRAP_BREAKPOINT;            // debug (single step), int3
    case 6: return HUSK_TRAP_ILLEGAL;                       // invalid opcode
    case 13: return HUSK_TRAP_PROTECTION;                   // general protection
    case 17: return HUSK_TRAP_ALIGNMENT;                    // alignment check
    default: return HUSK_TRAP_OTHER;                        // stack segment, ...
    }
}
} // namespace

void UserRun::init()
{
    wrmsr(kEfer, rdmsr(kEfer) | kEferSyscall);
    wrmsr(kStar, (uint64_t(Gdt::kKernelCode) << 32) | (uint64_t(Gdt::kUserData - 8) << 48));
    wrmsr(kLstar, reinterpret_cast<uint64_t>(husk_x86_syscall_entry));
    wrmsr(kFmask, kSyscallMask);
}

void UserRun::load_bases(const husk_user_regs& regs)
{
    uint64_t fs = user_address(regs.fs_base) ? regs.fs_base : 0;
    uint64_t gs = user_address(regs.gs_base) ? regs.gs_base : 0;
    PerCpu& c = this_cpu();
    if (fs != c.fs_base)
        wrmsr(kFsBase, c.fs_base = fs);
    if (gs != c.user_gs_base)
        wrmsr(kKernelGsBase, c.user_gs_base = gs);
}

RunState* UserRun::current() { return this_cpu().user_run; }
void UserRun::set_current(RunState* run) { this_cpu().user_run = run; }

namespace {
void store_registers(RunState* rs, const InterruptFrame& f)
{
    husk_user_regs& r = *rs->regs;
    r = { f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.rsp, f.r8, f.r9, f.r10, f.r11, f.r12, f.r13, f.r14,
          f.r15, f.rip, f.rflags, r.fs_base, r.gs_base };
}
} // namespace

void UserRun::interrupted(const InterruptFrame& f)
{
    RunState* rs = this_cpu().user_run;
    store_registers(rs, f);
    *rs->trap = { HUSK_TRAP_INTERRUPTED, 0, uint32_t(f.vector), 0, f.rip };
    husk_x86_leave_user(rs, HUSK_TRAP_INTERRUPTED);
}

bool UserRun::exception(InterruptFrame& f)
{
    RunState* rs = this_cpu().user_run;
    if (!rs || !f.from_user())
        return false;
    store_registers(rs, f);
    husk_user_regs& r = *rs->regs;
    if (f.vector == kPageFaultVector && f.rip == reinterpret_cast<uint64_t>(husk_x86_syscall_entry)) {
        // A SYSCALL that jumped to its entry but stayed in ring 3 (the KVM of
        // the development machines, which has no hardware virtualisation
        // underneath, does this): rcx and r11 hold what SYSCALL stored, so
        // finish the system call from here.
        r.rip = f.rcx;
        r.rflags = f.r11;
        husk_x86_leave_user(rs, HUSK_TRAP_SYSCALL);
    }
    husk_trap& t = *rs->trap;
    t = {};
    t.code = uint32_t(f.vector);
    t.error = uint32_t(f.error);
    if (f.vector == kPageFaultVector) {
        t.kind = HUSK_TRAP_PAGE_FAULT;
        t.address = read_cr2();
        t.flags = ((f.error & 1) ? HUSK_FAULT_PRESENT : 0) | ((f.error & 2) ? HUSK_FAULT_WRITE : 0)
                  | ((f.error & 16) ? HUSK_FAULT_EXEC : 0);
    } else {
        t.kind = fault_kind(f.vector);
        t.address = f.rip;
        if (f.vector == 0)
            t.flags = HUSK_FAULT_INTEGER; // divide error (#DE), not x87 or SIMD
    }
    husk_x86_leave_user(rs, t.kind);
}

} // namespace husk::x86

extern "C" int husk_plat_user_run(husk_user_regs* regs, husk_trap* trap)
{
    using namespace husk::x86;
    regs->rflags = (regs->rflags & kUserFlags) | kForcedFlags;
    if (!user_address(regs->rip) || !user_address(regs->rsp)) {
        // IRET to a kernel or non-canonical address would fault in ring 0:
        // report what the CPU would report in ring 3.
        *trap = { HUSK_TRAP_PROTECTION, 0, 13, 0, regs->rip };
        return 0;
    }
    claim_fpu();
    cli();
    UserRun::load_bases(*regs);
    RunState rs { 0, reinterpret_cast<uint64_t>(&regs->fs_base), regs, trap };
    uint32_t kind = husk_x86_enter_user(&rs);
    this_cpu().user_run = nullptr;
    if (kind == HUSK_TRAP_SYSCALL)
        *trap = { HUSK_TRAP_SYSCALL, 0, 0, 0, regs->rip };
    sti();
    return 0;
}
