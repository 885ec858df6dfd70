// Platform events (HUSK_EVENT_*) posted by interrupt handlers and collected
// by husk_plat_yield, which halts the CPU until one arrives.
#pragma once

#include <stdint.h>

namespace husk::x86 {

class Events {
public:
    static void post(uint32_t events); // interrupt context
    static bool in_idle();
    // Something outside the CPU can still wake an idle kernel (devices with
    // requests in flight, network, console input). Used to report deadlocks
    // instead of halting forever.
    using SourceCheck = bool (*)();
    static void add_source(SourceCheck check);
};

} // namespace husk::x86
