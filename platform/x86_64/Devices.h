// Finds the machine's devices (virtio over MMIO or PCI, the serial port's
// input) and registers them with the block/net hypercalls.
#pragma once

namespace husk::x86 {

class Devices {
public:
    static void probe();
};

} // namespace husk::x86
