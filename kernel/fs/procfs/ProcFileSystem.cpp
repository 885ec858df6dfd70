#include "ProcFileSystem.h"
#include "../../net/Inet.h"
#include "ProcDirectory.h"
#include "ProcFile.h"
#include "ProcInodes.h"
#include "ProcKernelText.h"
#include "ProcProcessLinks.h"
#include "ProcRoot.h"
#include "ProcSysctl.h"
#include "ProcSystemText.h"

namespace husk {

ErrorOr<FileSystem*> ProcFileSystem::create(kstd::StringView, unsigned long, kstd::StringView)
{
    auto* fs = new ProcFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    auto root = kstd::adopt_new<ProcRoot>(*fs, build);
    if (!root) {
        delete fs;
        return err(kstd::ENOMEM);
    }
    fs->m_root = root;
    return fs;
}

namespace {
// /proc/mounts: Linux's link to the reader's own table.
ErrorOr<size_t> mounts_link(uint32_t, uint32_t, char* buf, size_t size)
{
    constexpr kstd::StringView target = "self/mounts";
    size_t n = kstd::min(size, target.length());
    memcpy(buf, target.data(), n);
    return n;
}
// Empty in a kernel linked without the TCP/IP stack: no routes.
size_t route_text(char* buf, size_t size)
{
    const InetOperations* inet = Inet::operations();
    return inet ? inet->route_text(buf, size) : 0;
}
} // namespace

// The fixed entries, made at the root's first lookup or listing.
ErrorOr<void> ProcFileSystem::build(Vnode& root_vnode)
{
    using namespace proc_inodes;
    auto& root = static_cast<ProcRoot&>(root_vnode);
    FileSystem& fs = root.fs();
    auto net = kstd::adopt_new<ProcDirectory>(fs, kNet);
    auto route = kstd::adopt_new<ProcFile>(fs, kNetRoute, route_text);
    auto self = kstd::adopt_new<ProcLink>(fs, kSelf, 0777, proc_links::self, 0, nullptr);
    auto mounts = kstd::adopt_new<ProcLink>(fs, kMounts, 0777, mounts_link, 0, nullptr);
    auto sys = kstd::adopt_new<ProcDirectory>(fs, kSys);
    if (!net || !route || !self || !mounts || !sys)
        return err(kstd::ENOMEM);
    sys->fill_on_first_use(proc_sysctl::fill);
    TRY(net->add("route", route));
    struct Text {
        const char* name;
        uint64_t ino;
        ProcFile::Generator generate;
    };
    static constexpr Text kTexts[] = {
        { "cpuinfo", kCpuinfo, proc_system::cpuinfo },
        { "filesystems", kFilesystems, proc_kernel::filesystems },
        { "loadavg", kLoadavg, proc_kernel::loadavg },
        { "meminfo", kMeminfo, proc_kernel::meminfo },
        { "stat", kStat, proc_system::stat },
        { "uptime", kUptime, proc_kernel::uptime },
        { "version", kVersion, proc_kernel::version },
    };
    for (const Text& t : kTexts) {
        auto file = kstd::adopt_new<ProcFile>(fs, t.ino, t.generate);
        if (!file)
            return err(kstd::ENOMEM);
        TRY(root.add(t.name, file));
    }
    TRY(root.add("mounts", mounts));
    TRY(root.add("net", net));
    TRY(root.add("self", self));
    TRY(root.add("sys", sys));
    return {};
}

void ProcFileSystem::register_type() { FileSystemTypes::add({ "proc", create }); }

void ProcFileSystem::statfs(linux::statfs& out)
{
    out = {};
    out.f_type = 0x9fa0; // PROC_SUPER_MAGIC
    out.f_bsize = out.f_frsize = 4096;
    out.f_namelen = linux::NAME_MAX;
    out.f_fsid[0] = int32_t(device_id());
}

} // namespace husk
