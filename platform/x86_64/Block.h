// Registry of block devices for the block hypercalls.
#pragma once

namespace husk::x86 {

class VirtioTransport;

class BlockDevices {
public:
    static constexpr unsigned kMax = 8;
    // Drives the device behind transport as the next vdX; false on failure.
    static bool add(VirtioTransport& transport);
};

} // namespace husk::x86
