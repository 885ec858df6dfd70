// Time since the kernel booted (sysinfo's uptime, /proc/uptime later): the
// platform's monotonic clock counts from an arbitrary point.
#pragma once

#include <stdint.h>

namespace husk {

class Uptime {
public:
    static void mark_boot();
    static uint64_t ns();
};

} // namespace husk
