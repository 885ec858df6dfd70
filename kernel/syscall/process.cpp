// The process environment of a program: exit, thread-area and tid
// registration, resource limits, CPU affinity. (New threads and
// processes: fork.cpp; signals: signal.cpp.)
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../exec/Fork.h"
#include "../exec/UserThread.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "../proc/Signals.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

SysResult sys_exit(int status)
{
    Thread* t = Scheduler::current();
    if (t->user_regs())
        t->request_exit(status & 0xff); // the thread ends; the process with its last thread
    else
        Process::current().exit(status & 0xff);
    return 0;
}

SysResult sys_exit_group(int status)
{
    Process::current().exit(status & 0xff);
    return 0;
}

SysResult sys_arch_prctl(int code, uint64_t addr)
{
    constexpr int kSetGs = 0x1001, kSetFs = 0x1002, kGetFs = 0x1003, kGetGs = 0x1004;
    husk_user_regs* regs = Scheduler::current()->user_regs();
    if (!regs)
        return err(EINVAL); // a local client has no thread area to set
    uintptr_t lo, hi;
    husk_plat_user_range(&lo, &hi);
    switch (code) {
    case kSetFs:
    case kSetGs:
        if (addr >= hi)
            return err(EPERM);
        (code == kSetFs ? regs->fs_base : regs->gs_base) = addr;
        return 0;
    case kGetFs:
        TRY(copy_out(UserPtr<uint64_t>(addr), regs->fs_base));
        return 0;
    case kGetGs:
        TRY(copy_out(UserPtr<uint64_t>(addr), regs->gs_base));
        return 0;
    default:
        return err(EINVAL);
    }
}

SysResult sys_set_tid_address(uint64_t tidptr)
{
    Thread* t = Scheduler::current();
    t->set_clear_child_tid(tidptr);
    return t->tid();
}

namespace {
linux::rlimit limit_of(int resource)
{
    constexpr uint64_t kInfinity = ~0ull;
    switch (resource) {
    case 3: return { 8u << 20, kInfinity }; // RLIMIT_STACK: the main stack Husk maps
    case 7: {                               // RLIMIT_NOFILE: the fd table's size
        const FdTable& fds = Process::current().fds();
        return { uint64_t(fds.limit()), uint64_t(fds.hard_limit()) };
    }
    case 4: return { 0, kInfinity };        // RLIMIT_CORE
    case 6: return { Fork::max_processes(), Fork::max_processes() }; // RLIMIT_NPROC: the kernel's maximum
    default: return { kInfinity, kInfinity };
    }
}
} // namespace

SysResult sys_prlimit64(int pid, int resource, UserPtr<const linux::rlimit> new_limit, UserPtr<linux::rlimit> old)
{
    if (resource < 0 || resource > 15)
        return err(EINVAL);
    Process& p = Process::current();
    if (pid != 0 && uint32_t(pid) != p.pid())
        return err(ESRCH);
    linux::rlimit previous = limit_of(resource);
    if (!new_limit.is_null()) {
        linux::rlimit l = TRY(copy_in(new_limit));
        if (l.rlim_cur > l.rlim_max)
            return err(EINVAL);
        // RLIMIT_NOFILE is enforced; other limits are accepted without
        // effect (documented).
        if (resource == 7)
            TRY(p.fds().set_limits(l.rlim_cur, l.rlim_max, p.credentials().capable(Capability::SysResource)));
    }
    if (!old.is_null())
        TRY(copy_out(old, previous));
    return 0;
}

SysResult sys_getrlimit(int resource, UserPtr<linux::rlimit> old)
{
    return sys_prlimit64(0, resource, UserPtr<const linux::rlimit>(), old);
}

SysResult sys_setrlimit(int resource, UserPtr<const linux::rlimit> new_limit)
{
    return sys_prlimit64(0, resource, new_limit, UserPtr<linux::rlimit>());
}

SysResult sys_clone3(uint64_t args, size_t size)
{
    return err(ENOSYS); // glibc falls back to clone, which does threads
}

SysResult sys_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
    constexpr int kSetPdeathsig = 1, kGetPdeathsig = 2, kGetDumpable = 3, kSetDumpable = 4, kSetName = 15,
                  kGetName = 16, kSetChildSubreaper = 36, kGetChildSubreaper = 37;
    Process& p = Process::current();
    switch (option) {
    case kSetName: {
        char name[16] = {};
        long n = user_strncpy(name, reinterpret_cast<const char*>(arg2), sizeof name);
        if (n == -EFAULT)
            return err(EFAULT);
        name[sizeof name - 1] = 0; // Linux truncates to 15 characters
        p.set_name(kstd::StringView(name, kstd::StringView::cstrlen(name)));
        return 0;
    }
    case kGetName: {
        char name[16] = {};
        memcpy(name, p.name(), kstd::min(sizeof name - 1, kstd::StringView::cstrlen(p.name())));
        if (user_copy_out(reinterpret_cast<void*>(arg2), name, sizeof name) != 0)
            return err(EFAULT);
        return 0;
    }
    case kSetPdeathsig:
        return arg2 <= uint64_t(linux::NSIG) ? SysResult(0) : err(EINVAL); // a parent that dies comes with fork
    case kGetPdeathsig:
        TRY(copy_out(UserPtr<int32_t>(arg2), int32_t(0)));
        return 0;
    case kSetChildSubreaper:
        p.set_subreaper(arg2 != 0);
        return 0;
    case kGetChildSubreaper:
        TRY(copy_out(UserPtr<int32_t>(arg2), int32_t(p.is_subreaper())));
        return 0;
    case kGetDumpable:
        return 1;
    case kSetDumpable:
        return arg2 <= 1 ? SysResult(0) : err(EINVAL);
    default:
        return capability_prctl(option, arg2, arg3, arg4, arg5);
    }
}

SysResult sys_rseq(uint64_t rseq, uint32_t len, int flags, uint32_t sig)
{
    return err(ENOSYS); // restartable sequences need preemption notices; glibc copes without
}

namespace {
// The thread an affinity call names: 0 the caller, else any thread by tid.
ErrorOr<Thread*> affinity_target(int pid)
{
    if (pid < 0)
        return err(EINVAL);
    Thread* self = Scheduler::current();
    if (pid == 0 || uint32_t(pid) == self->tid())
        return self;
    Thread* t = Signals::find_thread(uint32_t(pid));
    if (!t || !t->process())
        return err(ESRCH);
    return t;
}
} // namespace

// The mask is one 64-bit word (Husk runs at most 16 CPUs): a shorter
// buffer than that is EINVAL, as Linux's for less than its cpumask.
SysResult sys_sched_getaffinity(int pid, size_t len, UserPtr<uint8_t> mask)
{
    if (len < 8 || (len & 7))
        return err(EINVAL);
    Thread* t = TRY(affinity_target(pid));
    TRY(copy_out(mask.as<uint64_t>(), t->affinity() & Scheduler::online_mask()));
    return 8;
}

// Bits beyond the buffer are 0, CPUs that do not exist are ignored, and
// none left is EINVAL; another user's thread needs CAP_SYS_NICE.
SysResult sys_sched_setaffinity(int pid, size_t len, UserPtr<const uint8_t> mask)
{
    uint8_t bytes[8] = {};
    TRY(mask.buffer().read_into(bytes, 0, len < sizeof bytes ? len : sizeof bytes));
    uint64_t wanted = 0;
    for (size_t i = 0; i < sizeof bytes; ++i)
        wanted |= uint64_t(bytes[i]) << (8 * i);
    Thread* t = TRY(affinity_target(pid));
    const Credentials& me = Process::current().credentials();
    if (t->process() != &Process::current() && !me.capable(Capability::SysNice)) {
        const Credentials& them = t->process()->credentials();
        if (me.euid != them.uid && me.euid != them.euid)
            return err(EPERM);
    }
    wanted &= Scheduler::online_mask();
    if (!wanted)
        return err(EINVAL);
    Scheduler::set_affinity(*t, wanted);
    return 0;
}

} // namespace husk
