// Identity and system information: pids, ids, uname, sysinfo, the kernel
// log (syslog), getrandom, sched_yield.
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../init/Config.h"
#include "../init/SystemNames.h"
#include "../init/Uptime.h"
#include "../init/Version.h"
#include "../proc/LoadAverage.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

SysResult sys_getpid() { return Process::current().pid(); }
SysResult sys_getppid() { return Process::current().ppid(); }
SysResult sys_gettid() { return Scheduler::current()->tid(); }
SysResult sys_getuid() { return Process::current().credentials().uid; }
SysResult sys_geteuid() { return Process::current().credentials().euid; }
SysResult sys_getgid() { return Process::current().credentials().gid; }
SysResult sys_getegid() { return Process::current().credentials().egid; }

SysResult sys_setuid(uint32_t uid)
{
    TRY(Process::current().credentials().set_uid(uid));
    return 0;
}

SysResult sys_setgid(uint32_t gid)
{
    TRY(Process::current().credentials().set_gid(gid));
    return 0;
}

SysResult sys_setreuid(uint32_t real, uint32_t effective)
{
    TRY(Process::current().credentials().set_reuid(real, effective));
    return 0;
}

SysResult sys_setregid(uint32_t real, uint32_t effective)
{
    TRY(Process::current().credentials().set_regid(real, effective));
    return 0;
}

SysResult sys_setresuid(uint32_t real, uint32_t effective, uint32_t saved)
{
    TRY(Process::current().credentials().set_resuid(real, effective, saved));
    return 0;
}

SysResult sys_setresgid(uint32_t real, uint32_t effective, uint32_t saved)
{
    TRY(Process::current().credentials().set_resgid(real, effective, saved));
    return 0;
}

SysResult sys_getresuid(UserPtr<uint32_t> real, UserPtr<uint32_t> effective, UserPtr<uint32_t> saved)
{
    const Credentials& me = Process::current().credentials();
    TRY(copy_out(real, me.uid));
    TRY(copy_out(effective, me.euid));
    TRY(copy_out(saved, me.suid));
    return 0;
}

SysResult sys_getresgid(UserPtr<uint32_t> real, UserPtr<uint32_t> effective, UserPtr<uint32_t> saved)
{
    const Credentials& me = Process::current().credentials();
    TRY(copy_out(real, me.gid));
    TRY(copy_out(effective, me.egid));
    TRY(copy_out(saved, me.sgid));
    return 0;
}

SysResult sys_getgroups(int size, UserPtr<uint32_t> list)
{
    const Credentials& me = Process::current().credentials();
    if (size < 0)
        return err(EINVAL);
    if (size == 0)
        return me.group_count;
    if (uint32_t(size) < me.group_count)
        return err(EINVAL);
    for (uint32_t i = 0; i < me.group_count; i++)
        TRY(copy_out(list.offset(i * sizeof(uint32_t)), me.groups[i]));
    return me.group_count;
}

SysResult sys_setgroups(int size, UserPtr<const uint32_t> list)
{
    // A negative size is a huge one to Linux (EINVAL); set_groups refuses a
    // caller or a size before looking at the list.
    size_t count = size_t(uint32_t(size));
    uint32_t ids[Credentials::kMaxGroups];
    for (size_t i = 0; i < count && count <= Credentials::kMaxGroups; i++)
        ids[i] = TRY(copy_in(list.offset(i * sizeof(uint32_t))));
    TRY(Process::current().credentials().set_groups(ids, count));
    return 0;
}

SysResult sys_sched_yield()
{
    Scheduler::yield();
    return 0;
}

// The CPU the caller runs on (the vDSO's getcpu still answers 0), one NUMA node.
SysResult sys_getcpu(UserPtr<unsigned> cpu, UserPtr<unsigned> node, UserPtr<void>)
{
    if (!cpu.is_null())
        TRY(copy_out(cpu, Scheduler::current()->cpu()));
    if (!node.is_null())
        TRY(copy_out(node, 0u));
    return 0;
}

// membarrier(2) on one CPU: no other thread runs while the caller does, so
// every barrier already holds when the call is made (musl's dynamic linker
// uses it to publish a dlopen'ed library's TLS to running threads).
SysResult sys_membarrier(int cmd, unsigned flags, int)
{
    enum : int {
        QUERY = 0, GLOBAL = 1, GLOBAL_EXPEDITED = 2, REGISTER_GLOBAL_EXPEDITED = 4, PRIVATE_EXPEDITED = 8,
        REGISTER_PRIVATE_EXPEDITED = 16, PRIVATE_EXPEDITED_SYNC_CORE = 32, REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64,
    };
    constexpr int kSupported = GLOBAL | GLOBAL_EXPEDITED | REGISTER_GLOBAL_EXPEDITED | PRIVATE_EXPEDITED
                               | REGISTER_PRIVATE_EXPEDITED | PRIVATE_EXPEDITED_SYNC_CORE
                               | REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
    if (flags != 0)
        return err(EINVAL);
    if (cmd == QUERY)
        return kSupported;
    if (cmd < 0 || (cmd & (cmd - 1)) != 0 || !(cmd & kSupported))
        return err(EINVAL);
    return 0;
}

namespace {
void copy_field(char* dst, kstd::StringView src)
{
    size_t n = kstd::min<size_t>(src.length(), 64);
    memcpy(dst, src.data(), n);
    dst[n] = 0;
}
} // namespace

namespace {
// sethostname/setdomainname: CAP_SYS_ADMIN, then the length.
SysResult set_name(UserPtr<const char> name, int length, ErrorOr<void> (*set)(const char*, size_t))
{
    if (!Process::current().credentials().capable(Capability::SysAdmin))
        return err(EPERM);
    if (length < 0 || size_t(length) > SystemNames::kMaxLength)
        return err(EINVAL);
    char chars[SystemNames::kMaxLength];
    if (length)
        TRY(name.buffer().read_into(chars, 0, size_t(length)));
    TRY(set(chars, size_t(length)));
    return 0;
}
} // namespace

SysResult sys_sethostname(UserPtr<const char> name, int length) { return set_name(name, length, SystemNames::set_hostname); }
SysResult sys_setdomainname(UserPtr<const char> name, int length)
{
    return set_name(name, length, SystemNames::set_domainname);
}

SysResult sys_uname(UserPtr<linux::utsname> buf)
{
    linux::utsname u {};
    copy_field(u.sysname, "Linux"); // what libcs and configure scripts expect
    copy_field(u.nodename, SystemNames::hostname());
    copy_field(u.release, kUnameRelease);
    copy_field(u.version, kUnameVersion);
    copy_field(u.machine, "x86_64");
    copy_field(u.domainname, SystemNames::domainname());
    TRY(copy_out(buf, u));
    return 0;
}

SysResult sys_sysinfo(UserPtr<linux::sysinfo> info)
{
    auto heap = Heap::stats();
    linux::sysinfo s {};
    s.uptime = int64_t(Uptime::ns() / 1000000000);
    s.totalram = heap.total_pages * kPageSize;
    s.freeram = heap.free_pages * kPageSize;
    s.procs = uint16_t(Process::count());
    unsigned long loads[3];
    LoadAverage::loads(loads);
    for (int i = 0; i < 3; ++i)
        s.loads[i] = loads[i] << (16 - LoadAverage::kShift); // SI_LOAD_SHIFT
    s.mem_unit = 1;
    TRY(copy_out(info, s));
    return 0;
}

SysResult sys_syslog(int type, UserPtr<char> buf, int len)
{
    enum { Close = 0, Open = 1, Read = 2, ReadAll = 3, ReadClear = 4, Clear = 5, SizeUnread = 9, SizeBuffer = 10 };
    switch (type) {
    case Close:
    case Open:
        return 0;
    case Read:
    case ReadAll:
    case ReadClear: {
        if (buf.is_null() || len < 0)
            return err(EINVAL);
        static char snapshot[64 * 1024];
        size_t n = Log::read_all(snapshot, kstd::min<size_t>(size_t(len), sizeof snapshot));
        TRY(buf.buffer().write_from(0, snapshot, n));
        if (type == ReadClear)
            Log::clear();
        return long(n);
    }
    case Clear:
        Log::clear();
        return 0;
    case SizeUnread:
    case SizeBuffer:
        return long(Log::size());
    default:
        return err(EINVAL);
    }
}

SysResult sys_getrandom(UserPtr<void> buf, size_t len, unsigned flags)
{
    constexpr unsigned kNonblock = 1, kRandom = 2, kInsecure = 4;
    if ((flags & ~(kNonblock | kRandom | kInsecure)) || ((flags & kInsecure) && (flags & kRandom)))
        return err(EINVAL);
    len = kstd::min<size_t>(len, 0x1ffffff); // Linux returns at most 32 MiB - 1 per call
    uint8_t chunk[256];
    size_t done = 0;
    while (done < len) {
        size_t n = kstd::min(len - done, sizeof chunk);
        if (husk_plat_random(chunk, n) != 0) {
            if (done)
                return long(done);
            return err(EIO);
        }
        TRY(buf.buffer().write_from(done, chunk, n));
        done += n;
    }
    return long(done);
}

} // namespace husk
