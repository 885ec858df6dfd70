// Linux's capabilities (capabilities(7)): the numbers the capget/capset
// ABI and /proc/PID/status use. Credentials holds the sets and applies
// the rules; each subsystem asks for the one capability its check names.
#pragma once

#include <stdint.h>

namespace husk {

enum class Capability : unsigned {
    Chown = 0,
    DacOverride = 1,
    DacReadSearch = 2,
    Fowner = 3,
    Fsetid = 4,
    Kill = 5,
    Setgid = 6,
    Setuid = 7,
    Setpcap = 8,
    NetBindService = 10,
    NetAdmin = 12,
    NetRaw = 13,
    IpcLock = 14,
    IpcOwner = 15,
    SysChroot = 18,
    SysPtrace = 19,
    SysAdmin = 21,
    SysNice = 23,
    SysResource = 24,
    SysTime = 25,
    Mknod = 27,
    WakeAlarm = 35,
    Last = 40, // CAP_CHECKPOINT_RESTORE, the last Linux 5.9+ names
};

using CapabilitySet = uint64_t;

constexpr CapabilitySet capability_bit(Capability c) { return CapabilitySet(1) << unsigned(c); }
// Every capability Linux 5.9+ names (0..40): what root holds.
constexpr CapabilitySet kAllCapabilities = (CapabilitySet(1) << (unsigned(Capability::Last) + 1)) - 1;

} // namespace husk
