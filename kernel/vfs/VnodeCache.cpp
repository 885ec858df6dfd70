#include "VnodeCache.h"
#include "Vnode.h"

namespace husk {

kstd::RefPtr<Vnode> VnodeCache::find(uint64_t ino)
{
    Vnode** v = m_vnodes.get(ino);
    return v ? kstd::RefPtr<Vnode>(*v) : nullptr;
}

kstd::ErrorOr<void> VnodeCache::insert(Vnode& vnode)
{
    if (!m_vnodes.set(vnode.ino(), &vnode))
        return kstd::err(kstd::ENOMEM);
    return {};
}

void VnodeCache::remove(Vnode& vnode)
{
    Vnode** v = m_vnodes.get(vnode.ino());
    if (v && *v == &vnode)
        m_vnodes.remove(vnode.ino());
}

} // namespace husk
