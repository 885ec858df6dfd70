// The virtio-pci transport, modern interface (virtio 1.x, 4.1): registers
// found through vendor capabilities in memory BARs, interrupts by MSI-X
// (one vector for all queues; configuration changes are not signalled) or,
// without MSI-X, the INTx line and the ISR register. Transitional devices
// (QEMU's default on pc) are driven through their modern interface too.
#pragma once

#include "Pci.h"
#include "VirtioTransport.h"

namespace husk::x86 {

class VirtioPci final : public VirtioTransport {
public:
    // True if `a` is a virtio device with a usable modern interface.
    bool init(PciAddress a);

    uint32_t device_id() override { return m_device_id; }
    uint64_t device_features() override;
    bool set_features(uint64_t features) override;
    void set_status(uint8_t status) override;
    uint8_t status() override;
    void reset() override;
    uint16_t queue_max(uint16_t index) override;
    bool enable_queue(uint16_t index, Virtqueue& queue) override;
    void notify(uint16_t index) override;
    uint32_t ack_interrupt() override;
    uint64_t config(size_t offset, size_t width) override;
    bool attach_interrupt(void (*handler)(void*), void* context) override;
    const char* describe() override { return m_description; }
    bool legacy() const override { return false; } // driven through the modern interface only

private:
    // Maps the region a vendor capability points at; nullptr if unusable.
    volatile uint8_t* map_capability(uint8_t cap, uint32_t* length = nullptr);
    bool setup_msix();
    // "virtio-pci BB:DD.F [KIND [irq N]]": where the device is and how it
    // interrupts (the block layer logs it).
    void describe_interrupt(const char* kind, unsigned irq = 0);

    PciAddress m_address {};
    uint32_t m_device_id = 0;
    volatile uint8_t* m_common = nullptr;
    volatile uint8_t* m_notify = nullptr;
    volatile uint8_t* m_isr = nullptr;
    volatile uint8_t* m_device = nullptr;
    uint32_t m_notify_multiplier = 0;
    uint32_t m_notify_length = 0;
    uint8_t m_vector = 0; // MSI-X vector, 0 when INTx is used
    char m_description[48] = {};
};

} // namespace husk::x86
