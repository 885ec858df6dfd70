// The system's load average (/proc/loadavg, sysinfo's loads, uptime and
// top): Linux's exponentially decaying averages over 1, 5 and 15 minutes of
// the threads that run or are ready to run, sampled every 5 seconds with
// kernel/sched/loadavg.c's fixed-point arithmetic, from a timer armed at
// boot that never wakes an idle CPU (the samples an idle spell missed count
// no thread). Threads waiting for a disk are not counted (Linux counts its
// uninterruptible sleepers; Husk does not tell them apart).
#pragma once

#include "../kstd/Types.h"

namespace husk {

class LoadAverage {
public:
    static constexpr unsigned kShift = 11;                // Linux's FSHIFT
    static constexpr unsigned long kOne = 1ul << kShift;  // FIXED_1: a load of 1
    static constexpr uint64_t kIntervalNs = 5'000'000'000; // LOAD_FREQ

    // Arms the sampling timer (once, at boot).
    static void start();
    // One sample: `active` threads ran or were ready (the timer's work).
    static void sample(size_t active);
    // The 1, 5 and 15 minute loads, in kOne units.
    static void loads(unsigned long out[3]);
    // The program threads that run or are ready now.
    static size_t active_threads();
};

} // namespace husk
