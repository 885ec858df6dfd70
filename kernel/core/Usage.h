// What a thread or process used: CPU time (split into time in its program
// and time in the kernel on its behalf), page faults and context switches.
// getrusage, times, wait4's rusage, the CPU-time clocks and the CPU-time
// interval timers read it.
#pragma once

#include "../kstd/Types.h"

namespace husk {

struct Usage {
    uint64_t user_ns { 0 };
    uint64_t system_ns { 0 };
    uint64_t minor_faults { 0 };
    uint64_t voluntary_switches { 0 };   // blocked, waiting for something
    uint64_t involuntary_switches { 0 }; // preempted at the end of a slice
    uint64_t max_resident_kib { 0 };     // the largest, not a sum

    uint64_t cpu_ns() const { return user_ns + system_ns; }

    Usage& operator+=(const Usage& o)
    {
        user_ns += o.user_ns;
        system_ns += o.system_ns;
        minor_faults += o.minor_faults;
        voluntary_switches += o.voluntary_switches;
        involuntary_switches += o.involuntary_switches;
        if (o.max_resident_kib > max_resident_kib)
            max_resident_kib = o.max_resident_kib;
        return *this;
    }
};

} // namespace husk
