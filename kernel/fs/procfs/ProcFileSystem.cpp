#include "ProcFileSystem.h"
#include "../../net/InterfaceTable.h"
#include "ProcDirectory.h"
#include "ProcFile.h"

namespace husk {

ErrorOr<FileSystem*> ProcFileSystem::create(kstd::StringView, unsigned long, kstd::StringView)
{
    auto* fs = new ProcFileSystem();
    if (!fs)
        return err(kstd::ENOMEM);
    if (auto r = fs->build(); r.is_error()) {
        fs->m_root.clear();
        delete fs;
        return r.error();
    }
    return fs;
}

ErrorOr<void> ProcFileSystem::build()
{
    auto root = kstd::adopt_new<ProcDirectory>(*this, 1);
    auto net = kstd::adopt_new<ProcDirectory>(*this, 2);
    auto route = kstd::adopt_new<ProcFile>(*this, 3, InterfaceTable::route_text);
    if (!root || !net || !route)
        return err(kstd::ENOMEM);
    TRY(net->add("route", route));
    TRY(root->add("net", net));
    m_root = root;
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
