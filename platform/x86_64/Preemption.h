// The time slice: a timer tick every kSliceNs while threads run, and the
// hand-over to the kernel at the end of every interrupt
// (husk_kernel_interrupt_return), where the kernel may switch threads if
// the interrupted code is preemptible.
#pragma once

#include <stdint.h>
#include "InterruptFrame.h"

namespace husk::x86 {

class Preemption {
public:
    static constexpr uint64_t kSliceNs = 10000000; // 10 ms
    static void init();
    static void at_interrupt_exit(const InterruptFrame& frame);
    // (Re)starts the slice tick: kSliceNs from now.
    static void restart_slice();
    // Timer interrupts seen since boot (a test can check preemption ran).
    static uint64_t ticks();
};

} // namespace husk::x86
