// Who is asking: the identity permission checks are made against.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"

namespace husk {

struct Credentials {
    // Supplementary groups a process may hold (Linux allows 65 536;
    // initgroups(3) of a server's user needs a handful).
    static constexpr size_t kMaxGroups = 32;

    uint32_t uid { 0 }, gid { 0 };
    uint32_t euid { 0 }, egid { 0 };
    uint32_t suid { 0 }, sgid { 0 }; // saved set-IDs
    uint32_t groups[kMaxGroups] {};
    uint32_t group_count { 0 };

    bool is_superuser() const { return euid == 0; }
    // Capabilities (capget): root holds every one Linux 5.9+ names (0..40),
    // others none. Husk checks euid == 0 where Linux checks a capability.
    static constexpr uint64_t kAllCapabilities = (uint64_t(1) << 41) - 1;
    uint64_t capabilities() const { return is_superuser() ? kAllCapabilities : 0; }
    // The effective group or a supplementary one (the group bits of a
    // file's mode apply to a member).
    bool in_group(uint32_t g) const;
    bool in_groups(uint32_t g) const; // a supplementary group only

    // setuid(2), setgid(2), setreuid(2), setresuid(2) and their group
    // forms, setgroups(2), with Linux's rules (root standing for
    // CAP_SETUID/CAP_SETGID); -1 (kKeep) leaves an ID as it is.
    static constexpr uint32_t kKeep = uint32_t(-1);
    kstd::ErrorOr<void> set_uid(uint32_t id);
    kstd::ErrorOr<void> set_gid(uint32_t id);
    kstd::ErrorOr<void> set_reuid(uint32_t real, uint32_t effective);
    kstd::ErrorOr<void> set_regid(uint32_t real, uint32_t effective);
    kstd::ErrorOr<void> set_resuid(uint32_t real, uint32_t effective, uint32_t saved);
    kstd::ErrorOr<void> set_resgid(uint32_t real, uint32_t effective, uint32_t saved);
    // execve: the saved set-IDs become the effective ones (no file is
    // set-user-ID to Husk's exec).
    void exec()
    {
        suid = euid;
        sgid = egid;
    }
    kstd::ErrorOr<void> set_groups(const uint32_t* list, size_t count);
};

} // namespace husk
