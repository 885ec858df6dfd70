// CPU exceptions: a fault inside a user-memory copy resumes at its fixup
// (the copy returns -EFAULT); any other fault is reported (vector name,
// error code, fault address, registers, symbolised backtrace) and ends the
// system with HUSK_EXIT_PANIC.
#pragma once

#include "InterruptFrame.h"

namespace husk::x86 {

class Faults {
public:
    static void handle(InterruptFrame& frame);
    static const char* name(uint64_t vector);
};

} // namespace husk::x86
