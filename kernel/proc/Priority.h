// Nice values and scheduling policies as Linux's rules give and take them
// (getpriority/setpriority, sched_setscheduler/sched_setparam). Husk's
// scheduler has one priority: the values are kept and reported only.
#pragma once

#include "Process.h"

namespace husk {

class Priority {
public:
    static constexpr int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
    static constexpr int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;
    static constexpr int SCHED_RESET_ON_FORK = 0x40000000;

    // getpriority: the highest priority (lowest nice) among the targets as
    // 20 - nice (the raw syscall's form); ESRCH when none, EINVAL for which.
    static kstd::ErrorOr<int> get(Process& caller, int which, int who);
    // setpriority: nice clamped to -20..19; EPERM for another user's
    // process, EACCES for lowering without root; ESRCH when no target.
    static kstd::ErrorOr<void> set(Process& caller, int which, int who, int nice);
    // The process a sched_* call names (0: the caller): ESRCH, EINVAL (<0).
    static kstd::ErrorOr<Process*> target(Process& caller, int pid);
    // sched_setscheduler: policy (with SCHED_RESET_ON_FORK) and priority;
    // realtime policies need root (EPERM) and a priority 1..99.
    static kstd::ErrorOr<void> set_policy(Process& caller, Process& target, int policy, int priority);
    static int max_priority(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : 0; }
    static int min_priority(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0; }
    static bool is_policy(int policy)
    {
        return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR || policy == SCHED_BATCH
            || policy == SCHED_IDLE;
    }
};

} // namespace husk
