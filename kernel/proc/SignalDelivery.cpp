// Delivering signals to a program thread on its way back to user space
// (Linux's arch_do_signal_or_restart and get_signal), the handler's frame
// and rt_sigreturn. The frame is Linux's for the architecture: its layout
// and the registers in it are the arch header's (husk_arch_sigframe_*);
// this file only decides what goes in and where.
#include "../core/Log.h"
#include "../mm/UserAccess.h"
#include "AltStack.h"
#include "Process.h"
#include "Signals.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

using namespace altstack;

// What the program sees of a call a signal interrupted, when a handler
// runs (Linux's handle_signal) or none does (arch_do_signal_or_restart).
void settle_interrupted_call(ThreadSignals& ts, husk_user_regs& regs, const k_sigaction* handler)
{
    if (ts.syscall_nr < 0)
        return;
    long result = husk_user_syscall_result(&regs);
    long nr = ts.syscall_nr;
    ts.syscall_nr = -1;
    switch (-result) {
    case ERESTARTNOHAND:
        if (handler)
            husk_user_syscall_return(&regs, uint64_t(-long(EINTR)));
        else
            husk_user_syscall_restart(&regs, nr);
        break;
    case ERESTART_RESTARTBLOCK:
        if (handler)
            husk_user_syscall_return(&regs, uint64_t(-long(EINTR)));
        else
            husk_user_syscall_restart(&regs, HUSK_ARCH_NR_RESTART_SYSCALL);
        break;
    case ERESTARTSYS:
        if (handler && !(handler->flags & SA_RESTART))
            husk_user_syscall_return(&regs, uint64_t(-long(EINTR)));
        else
            husk_user_syscall_restart(&regs, nr);
        break;
    case ERESTARTNOINTR:
        husk_user_syscall_restart(&regs, nr);
        break;
    default:
        break;
    }
}

// Linux's get_sigframe and setup_rt_frame: the FPU state and the frame on
// the stack (or the alternate stack with SA_ONSTACK when not already on
// it), then the registers that enter the handler. False when it cannot be
// built (no SA_RESTORER, the stack unwritable, the alternate stack
// overflowing).
bool build_frame(ThreadSignals& ts, husk_user_regs& regs, int sig, const siginfo& info, const k_sigaction& action,
                 SignalSet old_mask)
{
    if (!(action.flags & SA_RESTORER))
        return false; // x86-64 Linux insists on one (every libc gives it)
    uint64_t user_sp = husk_user_sp(&regs);
    bool nested = on_altstack(ts, user_sp);
    uint64_t sp = user_sp - HUSK_ARCH_STACK_RED_ZONE;
    bool entering = false;
    if ((action.flags & SA_ONSTACK) && altstack_state(ts, sp) == 0) {
        sp = ts.altstack_sp + ts.altstack_size;
        entering = true;
    }
    uint64_t fpu = husk_arch_sigframe_fpu_address(sp);
    uint64_t frame = husk_arch_sigframe_address(fpu);
    if ((nested || entering) && !within(ts, frame)) {
        klog(LogLevel::Warning, "%s: signal %d overflowed its alternate stack", Process::current().name(), sig);
        return false;
    }
    alignas(16) uint8_t fpu_state[HUSK_ARCH_SIGFRAME_FPU_SIZE] = {};
    if (husk_plat_user_fpu_save(fpu_state, HUSK_ARCH_FPU_STATE_SIZE) < 0)
        return false;
    husk_arch_sigframe_fpu_finish(fpu_state);
    if (user_copy_out(reinterpret_cast<void*>(fpu), fpu_state, sizeof fpu_state) != 0)
        return false;
    husk_arch_sigframe f;
    husk_arch_sigframe_fill(&f, &regs, action.restorer, old_mask.bits(), fpu, ts.fault_code, ts.fault_error,
                            ts.fault_address);
    husk_arch_sigframe_set_stack(&f, ts.altstack_sp, int32_t(ts.altstack_flags), ts.altstack_size);
    memcpy(f.info, &info, sizeof info);
    // Linux writes the siginfo only for SA_SIGINFO handlers.
    size_t length = (action.flags & SA_SIGINFO) ? sizeof f : size_t(husk_arch_sigframe_info_address(frame) - frame);
    if (user_copy_out(reinterpret_cast<void*>(frame), &f, length) != 0)
        return false;
    husk_arch_enter_handler(&regs, action.handler, sig, frame);
    (void)husk_plat_user_fpu_restore(nullptr, 0); // the handler starts with a clean FPU state
    return true;
}

// Linux's force_sig_info with SIGSEGV for a frame that could not be built
// (or read back): a handler of SIGSEGV itself is dropped, so it kills.
void force_segv(Thread& t, int failed_sig)
{
    Process& p = *t.process();
    if (failed_sig == SIGSEGV)
        p.signal_actions().reset(SIGSEGV);
    siginfo info {};
    info.si_signo = SIGSEGV;
    info.si_code = SI_KERNEL;
    (void)Signals::fault(t, info);
}

} // namespace

bool Signals::fault(Thread& t, const siginfo& info)
{
    Process& p = *t.process();
    int sig = info.si_signo;
    ThreadSignals& ts = t.signals();
    const k_sigaction& action = p.signal_actions().get(sig);
    // Blocked or ignored, a fault's signal takes its default: it kills.
    bool handled = action.handler != SIG_DFL && action.handler != SIG_IGN && !ts.blocked.contains(sig);
    if (!handled) {
        p.signal_actions().reset(sig);
        ts.blocked.remove(sig);
    }
    (void)send_to_thread(t, info);
    return handled;
}

void Signals::deliver(Thread& t, husk_user_regs& regs)
{
    Process& p = *t.process();
    ThreadSignals& ts = t.signals();
    for (;;) {
        if (p.exiting() || t.exit_requested())
            return;
        if (p.signals().stopped) {
            // Stopped: nothing runs until SIGCONT or SIGKILL.
            p.signals().resumed.wait();
            continue;
        }
        siginfo info;
        int sig = t.signal_pending() ? dequeue(t, SignalSet::from_bits(~0ull).without(ts.blocked), info) : 0;
        if (!sig) {
            // Nothing (more) to run: an interrupted call starts again, and
            // the mask a wait changed comes back, which may let another
            // signal through.
            settle_interrupted_call(ts, regs, nullptr);
            if (!ts.restore_blocked)
                return;
            ts.restore_blocked = false;
            set_blocked(ts.saved_blocked);
            continue;
        }
        k_sigaction action = p.signal_actions().get(sig);
        if (action.handler == SIG_IGN)
            continue;
        if (action.handler == SIG_DFL) {
            SignalDefault d = default_action(sig);
            if (d == SignalDefault::Ignore || d == SignalDefault::Continue)
                continue;
            if (d == SignalDefault::Stop) {
                // Linux discards the terminal's stop signals in a process
                // group no parent can continue (an orphan): so here when
                // no program is its parent (the unikernel's first program).
                Process* parent = p.ppid() ? Process::find(p.ppid()) : nullptr;
                bool orphan = !parent || parent->signals().threads.is_empty();
                if (sig == SIGSTOP || !orphan)
                    stop(p, sig);
                continue;
            }
            klog(LogLevel::Error, "%s killed by signal %d", p.name(), sig);
            terminate(p, sig);
            return;
        }
        if (action.flags & SA_RESETHAND)
            p.signal_actions().reset(sig);
        settle_interrupted_call(ts, regs, &action);
        SignalSet old_mask = ts.restore_blocked ? ts.saved_blocked : ts.blocked;
        if (!build_frame(ts, regs, sig, info, action, old_mask)) {
            force_segv(t, sig);
            continue;
        }
        ts.restore_blocked = false;
        SignalSet mask = ts.blocked | SignalSet::from_bits(action.mask);
        if (!(action.flags & SA_NODEFER))
            mask.add(sig);
        ts.blocked = mask.without(unblockable());
        if (ts.altstack_flags & SS_AUTODISARM) {
            ts.altstack_sp = ts.altstack_size = 0;
            ts.altstack_flags = SS_DISABLE;
        }
        recalc(t);
        // Further signals stack their frames on this one: their handlers
        // run first, then return into this handler (as on Linux).
    }
}

long Signals::sigreturn(Thread& t)
{
    husk_user_regs& regs = *t.user_regs();
    ThreadSignals& ts = t.signals();
    ts.syscall_nr = -1; // the restored registers are not a call to restart
    ts.restart = {};
    uint64_t at = husk_arch_sigreturn_frame_address(&regs);
    husk_arch_sigframe f;
    if (user_copy_in(&f, reinterpret_cast<const void*>(at), sizeof f) != 0) {
        force_segv(t, 0);
        return 0;
    }
    ts.blocked = SignalSet::from_bits(husk_arch_sigframe_mask(&f)).without(unblockable());
    uint64_t handler_sp = husk_user_sp(&regs);
    husk_arch_sigframe_restore(&f, &regs);
    bool good = true;
    if (uint64_t fpu = husk_arch_sigframe_fpstate(&f)) {
        alignas(16) uint8_t state[HUSK_ARCH_FPU_STATE_SIZE];
        good = user_copy_in(state, reinterpret_cast<const void*>(fpu), sizeof state) == 0
               && husk_plat_user_fpu_restore(state, sizeof state) == 0;
    } else {
        (void)husk_plat_user_fpu_restore(nullptr, 0);
    }
    if (!good) {
        // Linux: an FPU state it cannot load (a bad MXCSR) is a bad frame;
        // the thread goes on with a clean one and gets SIGSEGV.
        (void)husk_plat_user_fpu_restore(nullptr, 0);
        force_segv(t, 0);
        return 0;
    }
    // The alternate stack as the frame says, refused (silently, as Linux)
    // while the handler's stack pointer is on one it did not disarm.
    stack_t ss {};
    int32_t flags;
    husk_arch_sigframe_stack(&f, &ss.ss_sp, &flags, &ss.ss_size);
    ss.ss_flags = flags;
    (void)change_altstack(&ss, nullptr, handler_sp);
    recalc(t);
    return husk_user_syscall_result(&regs);
}

} // namespace husk
