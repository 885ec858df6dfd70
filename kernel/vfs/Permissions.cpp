#include "Permissions.h"

namespace husk {

kstd::ErrorOr<void> check_access(const Vnode& v, const Credentials& who, int mask, bool use_real_ids)
{
    uint32_t uid = use_real_ids ? who.uid : who.euid;
    uint32_t gid = use_real_ids ? who.gid : who.egid;
    // access(2) asks with the real ids: a real uid 0 holds its capabilities.
    auto has = [&](Capability c) { return use_real_ids ? who.uid == 0 : who.capable(c); };
    uint32_t mode = v.mode();
    uint32_t bits;
    if (uid == v.uid())
        bits = (mode >> 6) & 7;
    else if (gid == v.gid() || who.in_groups(v.gid()))
        bits = (mode >> 3) & 7;
    else
        bits = mode & 7;
    uint32_t missing = uint32_t(mask) & ~bits;
    if (!missing)
        return {};
    // CAP_DAC_OVERRIDE: anything, but executing a file needs an x bit somewhere.
    if (has(Capability::DacOverride) && !((mask & linux::X_OK) && !v.is_directory() && !(mode & 0111)))
        return {};
    // CAP_DAC_READ_SEARCH: reading files, reading and searching directories.
    uint32_t readable = linux::R_OK | (v.is_directory() ? linux::X_OK : 0);
    if (has(Capability::DacReadSearch) && !(missing & ~readable))
        return {};
    return kstd::err(kstd::EACCES);
}

} // namespace husk
