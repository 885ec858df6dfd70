#include "ProcSysctl.h"
#include <husk/platform.h>
#include "../../init/SystemNames.h"
#include "../../init/Version.h"
#include "../../mm/AddressSpace.h"
#include "../../net/Socket.h"
#include "../../vfs/FdTable.h"
#include "ProcDirectory.h"
#include "ProcFile.h"
#include "ProcInodes.h"
#include "ProcText.h"

namespace husk::proc_sysctl {

using namespace kstd::errno_values;

namespace {
// Linux's PID_MAX_LIMIT: Husk's ids count up without wrapping, and
// programs size tables by it.
constexpr unsigned long kPidMax = 4194304;
// fs.file-max: Husk has no system-wide cap on open files; Linux's value
// for none (LONG_MAX, what systemd sets).
constexpr unsigned long kFileMax = 9223372036854775807ul;

size_t line(char* buf, size_t size, kstd::StringView s)
{
    return kstd::format(buf, size, "%.*s\n", int(s.length()), s.data());
}

size_t number(char* buf, size_t size, unsigned long n) { return kstd::format(buf, size, "%lu\n", n); }

// A random (version 4) UUID's 36 characters and a newline.
size_t uuid(char* buf, size_t size)
{
    uint8_t b[16] {};
    (void)husk_plat_random(b, sizeof b);
    b[6] = uint8_t((b[6] & 0x0f) | 0x40);
    b[8] = uint8_t((b[8] & 0x3f) | 0x80);
    ProcText out(buf, size);
    for (int i = 0; i < 16; ++i)
        out.add(i == 4 || i == 6 || i == 8 || i == 10 ? "-%02x" : "%02x", unsigned(b[i]));
    out.add("\n");
    return out.length();
}

size_t hostname(char* buf, size_t size) { return line(buf, size, SystemNames::hostname()); }
size_t domainname(char* buf, size_t size) { return line(buf, size, SystemNames::domainname()); }
size_t ostype(char* buf, size_t size) { return line(buf, size, "Linux"); }
size_t osrelease(char* buf, size_t size) { return line(buf, size, kUnameRelease); }
size_t version(char* buf, size_t size) { return line(buf, size, kUnameVersion); }
size_t pid_max(char* buf, size_t size) { return number(buf, size, kPidMax); }
size_t boot_id(char* buf, size_t size)
{
    static char id[40];
    if (!id[0])
        uuid(id, sizeof id);
    return line(buf, size, kstd::StringView(id, 36));
}
size_t somaxconn(char* buf, size_t size) { return number(buf, size, Socket::kMaxListenBacklog); }
size_t overcommit_memory(char* buf, size_t size) { return number(buf, size, AddressSpace::kOvercommitPolicy); }
size_t file_max(char* buf, size_t size) { return number(buf, size, kFileMax); }
size_t nr_open(char* buf, size_t size) { return number(buf, size, FdTable::kNrOpen); }

// A name written as Linux's proc_dostring takes it: up to the first
// newline, at most the field's length (the rest is dropped).
ErrorOr<size_t> set_name(IoBuffer buf, size_t n, ErrorOr<void> (*set)(const char*, size_t))
{
    char name[SystemNames::kMaxLength];
    size_t length = kstd::min(n, sizeof name);
    TRY(buf.read_into(name, 0, length));
    for (size_t i = 0; i < length; ++i)
        if (name[i] == '\n' || name[i] == 0)
            length = i;
    TRY(set(name, length));
    return n;
}
ErrorOr<size_t> write_hostname(IoBuffer buf, size_t n) { return set_name(buf, n, SystemNames::set_hostname); }
ErrorOr<size_t> write_domainname(IoBuffer buf, size_t n) { return set_name(buf, n, SystemNames::set_domainname); }

struct Node {
    const char* path; // under /proc/sys; its directories come first
    ProcFile::Generator read;
    ProcFile::Writer write;
};

// In the order of Linux's listing of each directory.
constexpr Node kNodes[] = {
    { "fs", nullptr, nullptr },
    { "fs/file-max", file_max, nullptr },
    { "fs/nr_open", nr_open, nullptr },
    { "kernel", nullptr, nullptr },
    { "kernel/domainname", domainname, write_domainname },
    { "kernel/hostname", hostname, write_hostname },
    { "kernel/osrelease", osrelease, nullptr },
    { "kernel/ostype", ostype, nullptr },
    { "kernel/pid_max", pid_max, nullptr },
    { "kernel/random", nullptr, nullptr },
    { "kernel/random/boot_id", boot_id, nullptr },
    { "kernel/random/uuid", uuid, nullptr },
    { "kernel/version", version, nullptr },
    { "net", nullptr, nullptr },
    { "net/core", nullptr, nullptr },
    { "net/core/somaxconn", somaxconn, nullptr },
    { "vm", nullptr, nullptr },
    { "vm/overcommit_memory", overcommit_memory, nullptr },
};

// The directory node of kNodes[i]'s parent path (made before it), or sys.
ProcDirectory& parent_of(ProcDirectory& sys, RefPtr<Vnode> (&made)[sizeof kNodes / sizeof kNodes[0]], size_t i,
                         const char*& name)
{
    kstd::StringView path(kNodes[i].path);
    size_t slash = path.length();
    while (slash > 0 && path[slash - 1] != '/')
        --slash;
    name = kNodes[i].path + slash;
    if (slash == 0)
        return sys;
    kstd::StringView dir = path.substring(0, slash - 1);
    for (size_t j = i; j-- > 0;)
        if (kstd::StringView(kNodes[j].path) == dir)
            return static_cast<ProcDirectory&>(*made[j]);
    return sys;
}
} // namespace

ErrorOr<void> fill(Vnode& sys_vnode)
{
    auto& sys = static_cast<ProcDirectory&>(sys_vnode);
    FileSystem& fs = sys.fs();
    RefPtr<Vnode> made[sizeof kNodes / sizeof kNodes[0]];
    for (size_t i = 0; i < sizeof kNodes / sizeof kNodes[0]; ++i) {
        const Node& n = kNodes[i];
        uint64_t ino = proc_inodes::kSysctlFirst + i;
        if (n.read)
            made[i] = kstd::adopt_new<ProcFile>(fs, ino, n.read, n.write);
        else
            made[i] = kstd::adopt_new<ProcDirectory>(fs, ino);
        if (!made[i])
            return err(ENOMEM);
        const char* name;
        TRY(parent_of(sys, made, i, name).add(name, made[i]));
    }
    return {};
}

} // namespace husk::proc_sysctl
