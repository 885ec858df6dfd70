// New threads and processes: clone(2), fork(2), vfork(2).
#include "../core/Scheduler.h"
#include "../exec/Fork.h"
#include "../exec/UserThread.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// clone(CLONE_THREAD): another thread of the caller's program.
SysResult clone_thread(Thread& self, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                       uint64_t tls)
{
    constexpr uint64_t kThreadFlags = Fork::kVm | Fork::kFs | Fork::kFiles | Fork::kSighand | Fork::kThread;
    constexpr uint64_t kKnown = kThreadFlags | Fork::kSysvsem | Fork::kSettls | Fork::kParentSettid
                                | Fork::kChildCleartid | Fork::kDetached | Fork::kChildSettid | Fork::kExitSignal;
    if ((flags & kThreadFlags) != kThreadFlags || (flags & ~kKnown))
        return err(EINVAL);
    husk_user_regs regs = *self.user_regs();
    husk_user_syscall_return(&regs, 0); // the child sees clone return 0
    if (stack)
        husk_user_set_sp(&regs, stack);
    if (flags & Fork::kSettls)
        husk_user_set_tls(&regs, tls);
    Thread* child = TRY(UserThread::start(Process::current(), regs));
    child->signals().blocked = self.signals().blocked; // it has nothing pending yet
    uint32_t tid = child->tid();
    if (flags & Fork::kChildCleartid)
        child->set_clear_child_tid(child_tid);
    if (flags & Fork::kParentSettid)
        TRY(copy_out(UserPtr<uint32_t>(parent_tid), tid));
    if (flags & Fork::kChildSettid)
        TRY(copy_out(UserPtr<uint32_t>(child_tid), tid)); // one address space: the parent may write it
    return tid;
}

SysResult clone_process(Thread& self, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                        uint64_t tls)
{
    Fork::Request request { flags, stack, tls, child_tid };
    uint32_t pid = TRY(Fork::clone_process(Process::current(), self, *self.user_regs(), request));
    if (flags & Fork::kParentSettid)
        TRY(copy_out(UserPtr<uint32_t>(parent_tid), pid));
    return pid;
}
} // namespace

SysResult sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS); // local clients cannot start threads or processes through the kernel
    if (flags & Fork::kThread)
        return clone_thread(*self, flags, stack, parent_tid, child_tid, tls);
    return clone_process(*self, flags, stack, parent_tid, child_tid, tls);
}

SysResult sys_fork() { return sys_clone(linux::SIGCHLD, 0, 0, 0, 0); }

SysResult sys_vfork() { return sys_clone(Fork::kVm | Fork::kVfork | linux::SIGCHLD, 0, 0, 0, 0); }

} // namespace husk
