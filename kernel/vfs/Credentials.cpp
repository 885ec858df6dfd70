// The rules for changing a process's identity (Linux's, with root standing
// for CAP_SETUID and CAP_SETGID).
#include "Credentials.h"

namespace husk {

using namespace kstd::errno_values;

bool Credentials::in_groups(uint32_t g) const
{
    for (uint32_t i = 0; i < group_count; i++)
        if (groups[i] == g)
            return true;
    return false;
}

bool Credentials::in_group(uint32_t g) const { return g == egid || in_groups(g); }

kstd::ErrorOr<void> Credentials::set_uid(uint32_t id)
{
    if (id == uint32_t(-1))
        return kstd::err(EINVAL);
    if (is_superuser())
        uid = id;
    else if (id != uid)
        return kstd::err(EPERM);
    euid = id;
    return {};
}

kstd::ErrorOr<void> Credentials::set_gid(uint32_t id)
{
    if (id == uint32_t(-1))
        return kstd::err(EINVAL);
    if (is_superuser())
        gid = id;
    else if (id != gid)
        return kstd::err(EPERM);
    egid = id;
    return {};
}

kstd::ErrorOr<void> Credentials::set_groups(const uint32_t* list, size_t count)
{
    if (!is_superuser())
        return kstd::err(EPERM);
    if (count > kMaxGroups)
        return kstd::err(EINVAL);
    for (size_t i = 0; i < count; i++)
        groups[i] = list[i];
    group_count = uint32_t(count);
    return {};
}

} // namespace husk
