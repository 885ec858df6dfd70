#include "SysFileSystem.h"
#include "../../core/Scheduler.h"
#include "../../kstd/Format.h"
#include "../procfs/ProcDirectory.h"
#include "../procfs/ProcFile.h"

namespace husk {

namespace {
// Inode numbers: the fixed nodes, then two for each CPU's directory and file.
enum : uint64_t { kRoot = 1, kDevices, kSystem, kCpu, kOnline, kPossible, kPresent, kOffline, kFirstCpu = 16 };
constexpr unsigned kMaxNamedCpus = 64;

// Every CPU Husk has is online from boot to halt: the three masks agree.
size_t cpu_range(char* buf, size_t size)
{
    unsigned n = Scheduler::cpu_count();
    return n > 1 ? kstd::format(buf, size, "0-%u\n", n - 1) : kstd::format(buf, size, "0\n");
}
size_t none(char* buf, size_t size) { return kstd::format(buf, size, "\n"); }
size_t one(char* buf, size_t size) { return kstd::format(buf, size, "1\n"); }

const char* cpu_name(unsigned cpu)
{
    static char names[kMaxNamedCpus][8];
    if (!names[cpu][0])
        kstd::format(names[cpu], sizeof names[cpu], "cpu%u", cpu);
    return names[cpu];
}

kstd::ErrorOr<void> add_file(ProcDirectory& dir, const char* name, uint64_t ino, ProcFile::Generator generate)
{
    auto file = kstd::adopt_new<ProcFile>(dir.fs(), ino, generate);
    if (!file)
        return kstd::err(kstd::ENOMEM);
    return dir.add(name, file);
}

kstd::ErrorOr<RefPtr<ProcDirectory>> add_directory(ProcDirectory& parent, const char* name, uint64_t ino)
{
    auto dir = kstd::adopt_new<ProcDirectory>(parent.fs(), ino);
    if (!dir)
        return kstd::err(kstd::ENOMEM);
    TRY(parent.add(name, dir));
    return dir;
}

// /sys/devices/system/cpu, as Linux's cpu subsystem shows it; cpu0 has no
// online file (the boot CPU cannot be taken offline), the others do.
kstd::ErrorOr<void> build(Vnode& root_vnode)
{
    auto& root = static_cast<ProcDirectory&>(root_vnode);
    auto devices = TRY(add_directory(root, "devices", kDevices));
    auto system = TRY(add_directory(*devices, "system", kSystem));
    auto cpu = TRY(add_directory(*system, "cpu", kCpu));
    TRY(add_file(*cpu, "offline", kOffline, none));
    TRY(add_file(*cpu, "online", kOnline, cpu_range));
    TRY(add_file(*cpu, "possible", kPossible, cpu_range));
    TRY(add_file(*cpu, "present", kPresent, cpu_range));
    unsigned n = Scheduler::cpu_count();
    for (unsigned i = 0; i < n && i < kMaxNamedCpus; ++i) {
        auto dir = TRY(add_directory(*cpu, cpu_name(i), kFirstCpu + 2 * i));
        if (i > 0)
            TRY(add_file(*dir, "online", kFirstCpu + 2 * i + 1, one));
    }
    return {};
}
} // namespace

ErrorOr<FileSystem*> SysFileSystem::create(kstd::StringView, unsigned long, kstd::StringView)
{
    auto* fs = new SysFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    auto root = kstd::adopt_new<ProcDirectory>(*fs, kRoot);
    if (!root) {
        delete fs;
        return err(kstd::ENOMEM);
    }
    root->fill_on_first_use(build);
    fs->m_root = root;
    return fs;
}

void SysFileSystem::register_type() { FileSystemTypes::add({ "sysfs", create }); }

void SysFileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = 0x62656572; // SYSFS_MAGIC
    out.f_bsize = out.f_frsize = 4096;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
}

} // namespace husk
