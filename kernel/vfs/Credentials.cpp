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

namespace {
// The one rule under the uid and gid calls: an unprivileged caller may
// set an ID only to one of its current real, effective or saved IDs.
bool allowed(uint32_t id, uint32_t real, uint32_t effective, uint32_t saved)
{
    return id == Credentials::kKeep || id == real || id == effective || id == saved;
}

void keep_or_set(uint32_t& field, uint32_t id)
{
    if (id != Credentials::kKeep)
        field = id;
}

// setresuid/setresgid on one kind of ID.
kstd::ErrorOr<void> set_res(bool privileged, uint32_t& real, uint32_t& effective, uint32_t& saved, uint32_t r,
                            uint32_t e, uint32_t s)
{
    if (!privileged && !(allowed(r, real, effective, saved) && allowed(e, real, effective, saved)
                         && allowed(s, real, effective, saved)))
        return kstd::err(EPERM);
    keep_or_set(real, r);
    keep_or_set(effective, e);
    keep_or_set(saved, s);
    return {};
}

// setreuid/setregid: the saved ID follows the effective one when the real
// one is set, or the effective one changes to other than the old real one.
kstd::ErrorOr<void> set_re(bool privileged, uint32_t& real, uint32_t& effective, uint32_t& saved, uint32_t r,
                           uint32_t e)
{
    if (!privileged) {
        if (r != Credentials::kKeep && r != real && r != effective)
            return kstd::err(EPERM);
        if (!allowed(e, real, effective, saved))
            return kstd::err(EPERM);
    }
    uint32_t old_real = real;
    keep_or_set(real, r);
    keep_or_set(effective, e);
    if (r != Credentials::kKeep || (e != Credentials::kKeep && e != old_real))
        saved = effective;
    return {};
}
} // namespace

kstd::ErrorOr<void> Credentials::set_uid(uint32_t id)
{
    if (id == kKeep)
        return kstd::err(EINVAL);
    if (is_superuser())
        return set_res(true, uid, euid, suid, id, id, id);
    if (id != uid && id != suid)
        return kstd::err(EPERM);
    euid = id;
    return {};
}

kstd::ErrorOr<void> Credentials::set_gid(uint32_t id)
{
    if (id == kKeep)
        return kstd::err(EINVAL);
    if (is_superuser())
        return set_res(true, gid, egid, sgid, id, id, id);
    if (id != gid && id != sgid)
        return kstd::err(EPERM);
    egid = id;
    return {};
}

kstd::ErrorOr<void> Credentials::set_reuid(uint32_t real, uint32_t effective)
{
    return set_re(is_superuser(), uid, euid, suid, real, effective);
}

kstd::ErrorOr<void> Credentials::set_regid(uint32_t real, uint32_t effective)
{
    return set_re(is_superuser(), gid, egid, sgid, real, effective);
}

kstd::ErrorOr<void> Credentials::set_resuid(uint32_t real, uint32_t effective, uint32_t saved)
{
    return set_res(is_superuser(), uid, euid, suid, real, effective, saved);
}

kstd::ErrorOr<void> Credentials::set_resgid(uint32_t real, uint32_t effective, uint32_t saved)
{
    return set_res(is_superuser(), gid, egid, sgid, real, effective, saved);
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
