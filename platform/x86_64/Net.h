// Registry of network interfaces for the network hypercalls.
#pragma once

namespace husk::x86 {

class VirtioTransport;

class NetDevices {
public:
    static constexpr unsigned kMax = 4;
    // Drives the device behind transport as the next vioifN; false on failure.
    static bool add(VirtioTransport& transport);
};

} // namespace husk::x86
