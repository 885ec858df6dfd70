// The virtio-mmio transport (virtio 1.x, 4.2), version 2 (modern) and 1
// (legacy, QEMU's default for virtio-mmio), as on QEMU's microvm. Devices
// are announced as virtio_mmio.device=SIZE@BASE:IRQ on the command line.
#pragma once

#include "VirtioTransport.h"

namespace husk::x86 {

class VirtioMmio final : public VirtioTransport {
public:
    // Maps the registers; false if no virtio device answers there.
    bool init(uint64_t base, uint32_t irq);
    bool present() const { return m_regs != nullptr; }

    uint32_t device_id() override;
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
    bool legacy() const override { return m_version == 1; }

    // Parses every virtio_mmio.device= word; calls found(base, irq) for each.
    static void each_announced(void (*found)(uint64_t base, uint32_t irq));

private:
    uint32_t read(uint32_t reg) const { return m_regs[reg / 4]; }
    void write(uint32_t reg, uint32_t v) { m_regs[reg / 4] = v; }

    volatile uint32_t* m_regs = nullptr;
    uint32_t m_version = 0;
    uint32_t m_irq = 0;
    char m_description[48] = {};
};

} // namespace husk::x86
