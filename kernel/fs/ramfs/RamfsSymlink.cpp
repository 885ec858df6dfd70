#include "RamfsSymlink.h"
#include "RamfsFileSystem.h"

namespace husk {

RamfsSymlink::RamfsSymlink(RamfsFileSystem& fs, uint64_t ino) : Vnode(fs, ino, linux::S_IFLNK | 0777) {}

ErrorOr<kstd::RefPtr<Vnode>> RamfsSymlink::create(RamfsFileSystem& fs, kstd::StringView target, const Credentials& who)
{
    auto link = kstd::adopt_new<RamfsSymlink>(fs, fs.allocate_ino());
    if (!link)
        return err(kstd::ENOMEM);
    link->m_target = TRY(kstd::String::from(target));
    link->m_size = target.length();
    link->m_uid = who.euid;
    link->m_gid = who.egid;
    return kstd::RefPtr<Vnode>(link);
}

ErrorOr<size_t> RamfsSymlink::readlink(char* buf, size_t size)
{
    size_t n = kstd::min(size, m_target.length());
    memcpy(buf, m_target.c_str(), n);
    m_atime = Timestamp::now();
    return n;
}

} // namespace husk
