#include "Permissions.h"

namespace husk {

kstd::ErrorOr<void> check_access(const Vnode& v, const Credentials& who, int mask, bool use_real_ids)
{
    uint32_t uid = use_real_ids ? who.uid : who.euid;
    uint32_t gid = use_real_ids ? who.gid : who.egid;
    uint32_t mode = v.mode();
    if (uid == 0) {
        if ((mask & linux::X_OK) && !v.is_directory() && !(mode & 0111))
            return kstd::err(kstd::EACCES);
        return {};
    }
    uint32_t bits;
    if (uid == v.uid())
        bits = (mode >> 6) & 7;
    else if (gid == v.gid() || who.in_groups(v.gid()))
        bits = (mode >> 3) & 7;
    else
        bits = mode & 7;
    if ((uint32_t(mask) & bits) != uint32_t(mask))
        return kstd::err(kstd::EACCES);
    return {};
}

} // namespace husk
