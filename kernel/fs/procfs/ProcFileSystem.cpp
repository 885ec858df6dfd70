#include "ProcFileSystem.h"
#include "../../net/InterfaceTable.h"
#include "ProcDirectory.h"
#include "ProcFile.h"
#include "ProcInodes.h"
#include "ProcProcessLinks.h"
#include "ProcRoot.h"
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

// The fixed entries, made at the root's first lookup or listing.
ErrorOr<void> ProcFileSystem::build(Vnode& root_vnode)
{
    using namespace proc_inodes;
    auto& root = static_cast<ProcRoot&>(root_vnode);
    FileSystem& fs = root.fs();
    auto net = kstd::adopt_new<ProcDirectory>(fs, kNet);
    auto route = kstd::adopt_new<ProcFile>(fs, kNetRoute, InterfaceTable::route_text);
    auto self = kstd::adopt_new<ProcLink>(fs, kSelf, 0777, proc_links::self, 0, nullptr);
    auto cpuinfo = kstd::adopt_new<ProcFile>(fs, kCpuinfo, proc_system::cpuinfo);
    auto stat = kstd::adopt_new<ProcFile>(fs, kStat, proc_system::stat);
    if (!net || !route || !self || !cpuinfo || !stat)
        return err(kstd::ENOMEM);
    TRY(net->add("route", route));
    TRY(root.add("cpuinfo", cpuinfo));
    TRY(root.add("net", net));
    TRY(root.add("self", self));
    TRY(root.add("stat", stat));
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
