#include "Priority.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// Calls fn for each live process `which`/`who` names.
template<typename Fn>
ErrorOr<void> for_targets(Process& caller, int which, int who, Fn fn)
{
    if (which < Priority::PRIO_PROCESS || which > Priority::PRIO_USER)
        return err(EINVAL);
    bool any = false;
    uint32_t id = uint32_t(who);
    if (which == Priority::PRIO_PROCESS) {
        Process* p = who ? Process::find(id) : &caller;
        if (p && !p->is_zombie()) {
            any = true;
            fn(*p);
        }
    } else {
        if (who == 0)
            id = which == Priority::PRIO_PGRP ? caller.pgid() : caller.credentials().uid;
        Process::for_each([&](Process& p) {
            if (p.is_zombie())
                return;
            if (which == Priority::PRIO_PGRP ? p.pgid() == id : p.credentials().uid == id) {
                any = true;
                fn(p);
            }
        });
    }
    if (!any)
        return err(ESRCH);
    return {};
}
} // namespace

ErrorOr<int> Priority::get(Process& caller, int which, int who)
{
    int best = 0;
    TRY(for_targets(caller, which, who, [&](Process& p) { best = kstd::max(best, 20 - p.nice()); }));
    return best;
}

ErrorOr<void> Priority::set(Process& caller, int which, int who, int nice)
{
    nice = kstd::max(-20, kstd::min(19, nice));
    const Credentials& me = caller.credentials();
    ErrorOr<void> failure {};
    TRY(for_targets(caller, which, who, [&](Process& p) {
        const Credentials& them = p.credentials();
        if (!me.capable(Capability::SysNice) && them.uid != me.euid && them.euid != me.euid) {
            failure = err(EPERM);
            return;
        }
        if (nice < p.nice() && !me.capable(Capability::SysNice)) {
            failure = err(EACCES);
            return;
        }
        p.set_nice(nice);
    }));
    return failure;
}

ErrorOr<Process*> Priority::target(Process& caller, int pid)
{
    if (pid < 0)
        return err(EINVAL);
    Process* p = pid ? Process::find(uint32_t(pid)) : &caller;
    if (!p || p->is_zombie())
        return err(ESRCH);
    return p;
}

ErrorOr<void> Priority::set_policy(Process& caller, Process& target, int policy, int priority)
{
    int base = policy & ~SCHED_RESET_ON_FORK;
    if (!is_policy(base))
        return err(EINVAL);
    if (priority < min_priority(base) || priority > max_priority(base))
        return err(EINVAL);
    const Credentials& me = caller.credentials();
    if (!me.capable(Capability::SysNice)) {
        if (base == SCHED_FIFO || base == SCHED_RR)
            return err(EPERM); // RLIMIT_RTPRIO is 0
        const Credentials& them = target.credentials();
        if (them.uid != me.euid && them.euid != me.euid)
            return err(EPERM);
    }
    target.set_sched_policy(policy, priority);
    return {};
}

} // namespace husk
