#include "Fork.h"
#include "../core/Heap.h"
#include "../core/Thread.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "../proc/Process.h"
#include "../proc/Signals.h"
#include "UserThread.h"

namespace husk {

size_t Fork::max_processes()
{
    size_t n = Heap::stats().total_pages * kPageSize / (8 * Thread::kStackBytes);
    return n < 32 ? 32 : n > 4096 ? 4096 : n;
}

using namespace kstd::errno_values;

ErrorOr<uint32_t> Fork::clone_process(Process& parent, Thread& caller, const husk_user_regs& regs,
                                      const Request& request)
{
    constexpr uint64_t kKnown = kVm | kFs | kFiles | kSighand | kPtrace | kVfork | kParent | kSysvsem | kSettls
                                | kParentSettid | kChildCleartid | kDetached | kUntraced | kChildSettid | kIo
                                | kExitSignal;
    uint64_t flags = request.flags;
    if ((flags & ~kKnown) || ((flags & kSighand) && !(flags & kVm)))
        return err(EINVAL); // namespaces and the like; CLONE_SIGHAND needs CLONE_VM
    if ((flags & kParent) && !parent.parent())
        return err(EINVAL); // pid 1 has no parent to give its child
    if (Process::count() >= max_processes())
        return err(EAGAIN);
    AddressSpace* space = parent.address_space();
    if (!space)
        return err(ENOSYS); // a local client: its memory is the host's
    kstd::RefPtr<AddressSpace> child_space = (flags & kVm) ? kstd::RefPtr<AddressSpace>(space) : TRY(space->fork());

    Process* child = TRY(Process::fork(parent));
    if (flags & kFiles)
        child->set_fds(&parent.fds()); // one table, as threads share it
    if (flags & kParent)
        child->reparent(*parent.parent());
    child->set_exit_signal(int(flags & kExitSignal));
    child->set_address_space(child_space);

    husk_user_regs child_regs = regs;
    husk_user_syscall_return(&child_regs, 0); // the child sees clone return 0
    if (request.stack)
        husk_user_set_sp(&child_regs, request.stack);
    if (flags & kSettls)
        husk_user_set_tls(&child_regs, request.tls);
    uint32_t pid = child->pid();
    if (flags & kChildSettid) {
        // The tid goes into the child's memory (its own copy, unless shared).
        if (flags & kVm)
            (void)user_copy_out(reinterpret_cast<void*>(request.child_tid), &pid, sizeof pid);
        else
            (void)child_space->write(request.child_tid, &pid, sizeof pid);
    }
    Process::VforkDone vfork;
    if (flags & kVfork)
        child->set_vfork_parent(&vfork);
    auto thread = UserThread::start(*child, child_regs, pid);
    if (thread.is_error()) {
        child->release_vfork_parent();
        child->discard();
        return thread.error();
    }
    Signals::inherit_thread(caller, *thread.value()); // mask and alternate stack; nothing pending
    if (flags & kChildCleartid)
        thread.value()->set_clear_child_tid(request.child_tid);
    while (!vfork.done && (flags & kVfork))
        vfork.waiters.wait();
    return pid;
}

} // namespace husk
