// The rules for changing a process's identity and capabilities (Linux's:
// credentials(7), capabilities(7)).
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

// What a change of uids does to the capabilities (capabilities(7), "Effect
// of user ID changes on capabilities"), applied when the change is made:
// leaving uid 0 altogether clears permitted, effective (both stay with
// keep_caps) and ambient; an effective uid leaving 0 clears effective, one
// becoming 0 gets permitted back.
class Credentials::UidChange {
public:
    explicit UidChange(Credentials& c)
        : m_c(c)
        , m_had_root(c.uid == 0 || c.euid == 0 || c.suid == 0)
        , m_effective_root(c.euid == 0)
    {
    }
    ~UidChange()
    {
        Credentials& c = m_c;
        if (m_had_root && c.uid != 0 && c.euid != 0 && c.suid != 0) {
            if (!c.keep_caps)
                c.cap_permitted = c.cap_effective = 0;
            c.cap_ambient = 0;
        }
        if (m_effective_root && c.euid != 0)
            c.cap_effective = 0;
        if (!m_effective_root && c.euid == 0)
            c.cap_effective = c.cap_permitted;
    }

private:
    Credentials& m_c;
    bool m_had_root, m_effective_root;
};

kstd::ErrorOr<void> Credentials::set_uid(uint32_t id)
{
    if (id == kKeep)
        return kstd::err(EINVAL);
    UidChange change(*this);
    if (capable(Capability::Setuid))
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
    if (capable(Capability::Setgid))
        return set_res(true, gid, egid, sgid, id, id, id);
    if (id != gid && id != sgid)
        return kstd::err(EPERM);
    egid = id;
    return {};
}

kstd::ErrorOr<void> Credentials::set_reuid(uint32_t real, uint32_t effective)
{
    UidChange change(*this);
    return set_re(capable(Capability::Setuid), uid, euid, suid, real, effective);
}

kstd::ErrorOr<void> Credentials::set_regid(uint32_t real, uint32_t effective)
{
    return set_re(capable(Capability::Setgid), gid, egid, sgid, real, effective);
}

kstd::ErrorOr<void> Credentials::set_resuid(uint32_t real, uint32_t effective, uint32_t saved)
{
    UidChange change(*this);
    return set_res(capable(Capability::Setuid), uid, euid, suid, real, effective, saved);
}

kstd::ErrorOr<void> Credentials::set_resgid(uint32_t real, uint32_t effective, uint32_t saved)
{
    return set_res(capable(Capability::Setgid), gid, egid, sgid, real, effective, saved);
}

kstd::ErrorOr<void> Credentials::set_groups(const uint32_t* list, size_t count)
{
    if (!capable(Capability::Setgid))
        return kstd::err(EPERM);
    if (count > kMaxGroups)
        return kstd::err(EINVAL);
    for (size_t i = 0; i < count; i++)
        groups[i] = list[i];
    group_count = uint32_t(count);
    return {};
}

Credentials Credentials::of(uint32_t uid, uint32_t gid)
{
    Credentials c;
    c.uid = c.euid = c.suid = uid;
    c.gid = c.egid = c.sgid = gid;
    c.exec();
    return c;
}

void Credentials::exec()
{
    suid = euid;
    sgid = egid;
    // As for a file whose capability sets are all ones for root, empty for
    // others; the ambient set carries over either way.
    bool root = uid == 0 || euid == 0;
    cap_permitted = (root ? cap_inheritable | cap_bounding : 0) | cap_ambient;
    cap_effective = euid == 0 ? cap_permitted : cap_ambient;
    keep_caps = false;
}

kstd::ErrorOr<void> Credentials::set_capabilities(CapabilitySet effective, CapabilitySet permitted,
                                                  CapabilitySet inheritable)
{
    // Inheritable: within inheritable | permitted, or the bounding set with
    // CAP_SETPCAP; permitted only shrinks; effective within the new permitted.
    CapabilitySet inheritable_limit
        = capable(Capability::Setpcap) ? cap_inheritable | cap_bounding : cap_inheritable | cap_permitted;
    if ((inheritable & ~inheritable_limit) || (permitted & ~cap_permitted) || (effective & ~permitted)
        || ((effective | permitted | inheritable) & ~kAllCapabilities))
        return kstd::err(EPERM);
    cap_effective = effective;
    cap_permitted = permitted;
    cap_inheritable = inheritable;
    cap_ambient &= permitted & inheritable; // an ambient capability needs both
    return {};
}

kstd::ErrorOr<void> Credentials::drop_bounding(Capability c)
{
    if (!capable(Capability::Setpcap))
        return kstd::err(EPERM);
    cap_bounding &= ~capability_bit(c);
    return {};
}

kstd::ErrorOr<void> Credentials::raise_ambient(Capability c)
{
    CapabilitySet bit = capability_bit(c);
    if (!(cap_permitted & bit) || !(cap_inheritable & bit))
        return kstd::err(EPERM);
    cap_ambient |= bit;
    return {};
}

} // namespace husk
