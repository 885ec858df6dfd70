// Registry of 9P channels (virtio-9p devices) for the 9P hypercalls.
#pragma once

namespace husk::x86 {

class VirtioTransport;

class NinepChannels {
public:
    static constexpr unsigned kMax = 8;
    // Drives the device behind transport as the next channel; false on failure.
    static bool add(VirtioTransport& transport);
};

} // namespace husk::x86
