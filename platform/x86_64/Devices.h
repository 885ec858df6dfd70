// Finds the machine's devices (virtio over MMIO or PCI, the serial port's
// input) and registers them with the block/net hypercalls.
#pragma once

namespace husk::x86 {

class Devices {
public:
    static void probe();
    // Whether console input was asked for (console_input=1) and works.
    static bool console_input();
    // Whether that input is husk run's escaped stream (console_input=stream:
    // a pipe or file, with its end) rather than a terminal's bytes.
    static bool console_stream();
};

} // namespace husk::x86
