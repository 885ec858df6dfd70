// I/O APICs: route a global system interrupt (GSI: legacy ISA lines and
// microvm's virtio-mmio lines) to a vector on this CPU. microvm has one at
// 0xfec00000 and, for GSIs 24 and up, a second at 0xfec10000.
#pragma once

#include <stdint.h>

namespace husk::x86 {

class IoApic {
public:
    static void init();
    // Routes gsi (edge- or level-triggered, active high) to vector; false
    // if no I/O APIC serves it.
    static bool route(uint32_t gsi, uint8_t vector, bool level);
    // The vector reserved for gsi (32 + gsi).
    static uint8_t vector_for(uint32_t gsi) { return uint8_t(32 + gsi); }
};

} // namespace husk::x86
