#include "ProcFileSystem.h"
#include "../../net/InterfaceTable.h"
#include "ProcDirectory.h"
#include "ProcFile.h"
#include "ProcInodes.h"
#include "ProcProcessLinks.h"
#include "ProcRoot.h"

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
    using namespace proc_inodes;
    auto root = kstd::adopt_new<ProcRoot>(*this);
    auto net = kstd::adopt_new<ProcDirectory>(*this, kNet);
    auto route = kstd::adopt_new<ProcFile>(*this, kNetRoute, InterfaceTable::route_text);
    auto self = kstd::adopt_new<ProcLink>(*this, kSelf, 0777, proc_links::self, 0, nullptr);
    if (!root || !net || !route || !self)
        return err(kstd::ENOMEM);
    TRY(net->add("route", route));
    TRY(root->add("net", net));
    TRY(root->add("self", self));
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
