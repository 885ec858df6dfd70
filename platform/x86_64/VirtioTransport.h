// What a virtio driver needs from its transport (virtio-mmio on microvm,
// virtio-pci on q35/pc): identity, feature negotiation, queue setup,
// notification, interrupt acknowledgement and device configuration.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class Virtqueue;

class VirtioTransport {
public:
    static constexpr uint8_t kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kFailed = 128;
    static constexpr uint64_t kVersion1 = 1ull << 32; // VIRTIO_F_VERSION_1

    virtual uint32_t device_id() = 0;
    virtual uint64_t device_features() = 0;
    // Writes the driver's features; false if the device refused them.
    virtual bool set_features(uint64_t features) = 0;
    virtual void set_status(uint8_t status) = 0;
    virtual uint8_t status() = 0;
    virtual void reset() = 0;
    virtual uint16_t queue_max(uint16_t index) = 0;
    virtual bool enable_queue(uint16_t index, Virtqueue& queue) = 0;
    virtual void notify(uint16_t index) = 0;
    // Reads and acknowledges the interrupt status (bit 0: queue, bit 1: config).
    virtual uint32_t ack_interrupt() = 0;
    virtual uint64_t config(size_t offset, size_t width) = 0;
    // Installs the interrupt handler of the device.
    virtual bool attach_interrupt(void (*handler)(void*), void* context) = 0;
    virtual const char* describe() = 0;
    // A legacy (virtio 0.9.5) interface: no VERSION_1, legacy layouts.
    virtual bool legacy() const = 0;

protected:
    ~VirtioTransport() = default;
};

} // namespace husk::x86
