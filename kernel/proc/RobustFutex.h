// Robust futex lists (set_robust_list(2)): a thread registers the head of
// a list, in its own memory, of the locks it holds; when it ends (exit,
// exit_group, a fatal signal, another thread's execve) or execs, every
// lock on the list still owned by its tid gets FUTEX_OWNER_DIED and one
// waiter is woken, so the next locker learns of it (EOWNERDEAD). The walk
// is Linux's exit_robust_list: bounded, the pending operation last.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class Thread;

class RobustFutex {
public:
    // sizeof(struct robust_list_head): next, futex_offset, list_op_pending.
    static constexpr size_t kHeadSize = 24;
    // The calling thread (`self`) is done with its program's memory: walk
    // its robust list there, then hand its priority-inheritance locks to
    // their waiters (FutexPi::owner_gone). Its registration is cleared.
    static void release(Thread& self);
    // get_robust_list(2): the head thread `tid` (0: the caller) registered;
    // ESRCH when there is no such thread.
    static kstd::ErrorOr<uintptr_t> list_of(uint32_t tid);
};

} // namespace husk
