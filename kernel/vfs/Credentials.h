// Who is asking: the identity permission checks are made against.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"
#include "Capabilities.h"

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

    // Capability sets (capabilities(7)). A process made with uid 0 holds
    // them all; the uid calls below change them as Linux does, execve
    // recomputes them (exec()), capset and prctl set them within the rules.
    CapabilitySet cap_effective { kAllCapabilities };
    CapabilitySet cap_permitted { kAllCapabilities };
    CapabilitySet cap_inheritable { 0 };
    CapabilitySet cap_bounding { kAllCapabilities };
    CapabilitySet cap_ambient { 0 };
    bool keep_caps { false }; // PR_SET_KEEPCAPS: permitted survives leaving uid 0
    // PR_SET_NO_NEW_PRIVS: for good, across fork and execve. Husk's execve
    // grants nothing (no set-user-ID files, no file capabilities) either way.
    bool no_new_privs { false };

    bool capable(Capability c) const { return cap_effective & capability_bit(c); }
    // capset(2): the new sets within what the rules allow, else EPERM.
    kstd::ErrorOr<void> set_capabilities(CapabilitySet effective, CapabilitySet permitted, CapabilitySet inheritable);
    // prctl's PR_CAPBSET_DROP and PR_CAP_AMBIENT_RAISE / _LOWER / _CLEAR_ALL.
    kstd::ErrorOr<void> drop_bounding(Capability c);
    kstd::ErrorOr<void> raise_ambient(Capability c);
    void lower_ambient(Capability c) { cap_ambient &= ~capability_bit(c); }
    void clear_ambient() { cap_ambient = 0; }
    // An identity with these ids (real, effective and saved) and the
    // capabilities execve would give it: all for uid 0, none otherwise.
    static Credentials of(uint32_t uid, uint32_t gid);

    // The effective group or a supplementary one (the group bits of a
    // file's mode apply to a member).
    bool in_group(uint32_t g) const;
    bool in_groups(uint32_t g) const; // a supplementary group only

    // setuid(2), setgid(2), setreuid(2), setresuid(2) and their group
    // forms, setgroups(2), with Linux's rules (CAP_SETUID/CAP_SETGID make
    // a caller privileged); -1 (kKeep) leaves an ID as it is. A uid change
    // changes the capabilities as capabilities(7) says.
    static constexpr uint32_t kKeep = uint32_t(-1);
    kstd::ErrorOr<void> set_uid(uint32_t id);
    kstd::ErrorOr<void> set_gid(uint32_t id);
    kstd::ErrorOr<void> set_reuid(uint32_t real, uint32_t effective);
    kstd::ErrorOr<void> set_regid(uint32_t real, uint32_t effective);
    kstd::ErrorOr<void> set_resuid(uint32_t real, uint32_t effective, uint32_t saved);
    kstd::ErrorOr<void> set_resgid(uint32_t real, uint32_t effective, uint32_t saved);
    // execve: the saved set-IDs become the effective ones (no file is
    // set-user-ID to Husk's exec), and the capabilities are those of a
    // program without file capabilities: root (real or effective uid 0)
    // is permitted its inheritable and bounding sets (effective with euid
    // 0 only), everyone keeps the ambient set.
    void exec();
    kstd::ErrorOr<void> set_groups(const uint32_t* list, size_t count);

private:
    class UidChange;
};

} // namespace husk
