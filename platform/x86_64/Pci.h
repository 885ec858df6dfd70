// PCI configuration space through the legacy 0xcf8/0xcfc ports (every PC
// and q35 machine has them; microvm has no PCI and answers all-ones), the
// enumeration of functions behind bus 0 and its bridges, BARs and
// capability lists.
#pragma once

#include <stdint.h>

namespace husk::x86 {

struct PciAddress {
    uint8_t bus, device, function;
};

class Pci {
public:
    static constexpr uint8_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06,
                             kClass = 0x0b, kSubclass = 0x0a, kHeaderType = 0x0e, kBar0 = 0x10,
                             kSubsystemId = 0x2e, kCapabilities = 0x34, kInterruptLine = 0x3c,
                             kSecondaryBus = 0x19;
    static constexpr uint16_t kCommandMemory = 1u << 1, kCommandBusMaster = 1u << 2,
                              kCommandIntxDisable = 1u << 10;
    static constexpr uint8_t kCapVendor = 0x09, kCapMsix = 0x11;

    // True if configuration mechanism 1 answers (false on microvm).
    static bool present();
    // Calls found() for every function present on bus 0 and behind bridges.
    static void each_function(void (*found)(PciAddress address));

    static uint32_t read32(PciAddress a, uint8_t offset);
    static uint16_t read16(PciAddress a, uint8_t offset);
    static uint8_t read8(PciAddress a, uint8_t offset);
    static void write16(PciAddress a, uint8_t offset, uint16_t value);

    // Physical address of memory BAR `index` (64-bit BARs included); 0 for
    // an I/O BAR or one the firmware left unassigned.
    static uint64_t memory_bar(PciAddress a, unsigned index);
    // Offset of the next capability with `id` after `after` (0: from the
    // start of the list), or 0 when there is none.
    static uint8_t find_capability(PciAddress a, uint8_t id, uint8_t after = 0);
};

} // namespace husk::x86
