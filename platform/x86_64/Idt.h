// The interrupt descriptor table and the dispatch of vectors: exceptions
// (0-31) go to the fault reporter, device and timer vectors to handlers the
// drivers register.
#pragma once

#include <stdint.h>
#include "InterruptFrame.h"

namespace husk::x86 {

class Idt {
public:
    static constexpr uint8_t kFirstIrqVector = 32;
    static constexpr uint8_t kTimerVector = 0xf0;
    static constexpr uint8_t kSpuriousVector = 0xff;

    using Handler = void (*)(void* context);

    static void init();
    // Makes this CPU use the table (each application processor at start).
    static void load();
    // Installs the handler of a device vector (>= 32). Returns false if taken.
    static bool set_handler(uint8_t vector, Handler handler, void* context);
    // A free device vector, or 0 when none is left.
    static uint8_t allocate_vector();
};

} // namespace husk::x86
