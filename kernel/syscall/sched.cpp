// Priorities and scheduling policies (the rules: proc/Priority),
// personality, capabilities: what a process says about how it runs.
#include "../proc/Priority.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

SysResult sys_getpriority(int which, int who) { return TRY(Priority::get(Process::current(), which, who)); }

SysResult sys_setpriority(int which, int who, int nice)
{
    TRY(Priority::set(Process::current(), which, who, nice));
    return 0;
}

SysResult sys_sched_getscheduler(int pid)
{
    return TRY(Priority::target(Process::current(), pid))->sched_policy();
}

SysResult sys_sched_setscheduler(int pid, int policy, UserPtr<const int> param)
{
    if (param.is_null() || pid < 0)
        return err(EINVAL);
    int priority = TRY(copy_in(param));
    Process* p = TRY(Priority::target(Process::current(), pid));
    TRY(Priority::set_policy(Process::current(), *p, policy, priority));
    return 0;
}

SysResult sys_sched_getparam(int pid, UserPtr<int> param)
{
    if (param.is_null() || pid < 0)
        return err(EINVAL);
    Process* p = TRY(Priority::target(Process::current(), pid));
    TRY(copy_out(param, p->sched_priority()));
    return 0;
}

SysResult sys_sched_setparam(int pid, UserPtr<const int> param)
{
    if (param.is_null() || pid < 0)
        return err(EINVAL);
    int priority = TRY(copy_in(param));
    Process* p = TRY(Priority::target(Process::current(), pid));
    TRY(Priority::set_policy(Process::current(), *p, p->sched_policy(), priority));
    return 0;
}

SysResult sys_sched_get_priority_max(int policy)
{
    if (!Priority::is_policy(policy))
        return err(EINVAL);
    return Priority::max_priority(policy);
}

SysResult sys_sched_get_priority_min(int policy)
{
    if (!Priority::is_policy(policy))
        return err(EINVAL);
    return Priority::min_priority(policy);
}

// SCHED_RR's quantum is Linux's 100 ms; the others report 0 (Husk has no
// time slices to tell of).
SysResult sys_sched_rr_get_interval(int pid, UserPtr<linux::timespec> interval)
{
    Process* p = TRY(Priority::target(Process::current(), pid));
    bool rr = (p->sched_policy() & ~Priority::SCHED_RESET_ON_FORK) == Priority::SCHED_RR;
    TRY(copy_out(interval, linux::timespec { 0, rr ? 100000000 : 0 }));
    return 0;
}

// personality: 0xffffffff asks; PER_LINUX (0) with flag bits is taken,
// another execution domain is not.
SysResult sys_personality(unsigned persona)
{
    Process& p = Process::current();
    unsigned old = p.personality();
    if (persona == 0xffffffffu)
        return long(old);
    if (persona & 0xff)
        return err(EINVAL);
    p.set_personality(persona);
    return long(old);
}

namespace {
constexpr uint32_t kCapV1 = 0x19980330, kCapV2 = 0x20071026, kCapV3 = 0x20080522;
struct CapHeader {
    uint32_t version;
    int32_t pid;
};
struct CapData {
    uint32_t effective, permitted, inheritable;
};

// The number of CapData structs the header's version carries; an unknown
// version is EINVAL with version 3 written back, as Linux answers.
ErrorOr<int> cap_words(UserPtr<CapHeader> header)
{
    uint32_t version = TRY(copy_in(UserPtr<const uint32_t>(header.address())));
    if (version == kCapV1)
        return 1;
    if (version == kCapV2 || version == kCapV3)
        return 2;
    TRY(copy_out(UserPtr<uint32_t>(header.address()), kCapV3));
    return err(EINVAL);
}
} // namespace

SysResult sys_capget(UserPtr<void> header, UserPtr<void> data)
{
    auto words = cap_words(UserPtr<CapHeader>(header.address()));
    if (data.is_null())
        return words.is_error() && words.error().code() == EINVAL ? 0 : (words.is_error() ? words.error() : SysResult(0));
    int n = TRY(kstd::move(words));
    int pid = TRY(copy_in(UserPtr<const int32_t>(header.address() + 4)));
    if (pid < 0)
        return err(EINVAL);
    Process* p = pid ? Process::find(uint32_t(pid)) : &Process::current();
    if (!p || p->is_zombie())
        return err(ESRCH);
    const Credentials& c = p->credentials();
    CapData out[2] = { { uint32_t(c.cap_effective), uint32_t(c.cap_permitted), uint32_t(c.cap_inheritable) },
                       { uint32_t(c.cap_effective >> 32), uint32_t(c.cap_permitted >> 32),
                         uint32_t(c.cap_inheritable >> 32) } };
    TRY(data.buffer().write_from(0, out, sizeof(CapData) * size_t(n)));
    return 0;
}

// capset: the calling process's own sets (pid 0 or its own), within the
// rules Credentials applies (EPERM otherwise). Version 1 sets the low 32.
SysResult sys_capset(UserPtr<void> header, UserPtr<const void> data)
{
    int n = TRY(cap_words(UserPtr<CapHeader>(header.address())));
    int pid = TRY(copy_in(UserPtr<const int32_t>(header.address() + 4)));
    Process& self = Process::current();
    if (pid != 0 && uint32_t(pid) != self.pid())
        return err(EPERM);
    CapData in[2] {};
    TRY(data.buffer().read_into(in, 0, sizeof(CapData) * size_t(n)));
    uint64_t effective = in[0].effective | (uint64_t(in[1].effective) << 32);
    uint64_t permitted = in[0].permitted | (uint64_t(in[1].permitted) << 32);
    uint64_t inheritable = in[0].inheritable | (uint64_t(in[1].inheritable) << 32);
    TRY(self.credentials().set_capabilities(effective, permitted, inheritable));
    return 0;
}

} // namespace husk
