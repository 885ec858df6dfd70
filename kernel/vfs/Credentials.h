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
    uint32_t groups[kMaxGroups] {};
    uint32_t group_count { 0 };

    bool is_superuser() const { return euid == 0; }
    // The effective group or a supplementary one (the group bits of a
    // file's mode apply to a member).
    bool in_group(uint32_t g) const;
    bool in_groups(uint32_t g) const; // a supplementary group only

    // setuid(2), setgid(2), setgroups(2). There are no saved set-IDs apart
    // from the real and effective ones: nothing execs a set-user-ID file,
    // and root's setuid sets all of them, so they never differ.
    kstd::ErrorOr<void> set_uid(uint32_t id);
    kstd::ErrorOr<void> set_gid(uint32_t id);
    kstd::ErrorOr<void> set_groups(const uint32_t* list, size_t count);
};

} // namespace husk
