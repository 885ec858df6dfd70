// A split virtqueue (virtio 1.x, 2.6): descriptor table, available and
// used rings in physically contiguous memory, in the legacy layout (used
// ring on the next page boundary) so both legacy and modern transports can
// use it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class Virtqueue {
public:
    struct Buffer {
        uint64_t phys;
        uint32_t len;
        bool device_writes;
    };

    // Allocates the rings for `size` entries (a power of two). Boot only.
    bool init(uint16_t size);
    uint16_t size() const { return m_size; }
    uint64_t desc_phys() const { return m_phys; }
    uint64_t avail_phys() const { return m_phys + 16ull * m_size; }
    uint64_t used_phys() const { return m_phys + m_used_offset; }
    size_t free_descriptors() const { return m_free_count; }

    // Chains the buffers and makes them available; returns the head
    // descriptor (the completion's id), or -1 when descriptors ran out.
    int submit(const Buffer* buffers, size_t count);
    // Next completed chain: its head id (and frees its descriptors), or -1.
    int pop_used(uint32_t* written = nullptr);
    // Asks the device to interrupt (or not) when it uses a chain; a hint
    // the device may ignore (VIRTQ_AVAIL_F_NO_INTERRUPT).
    void set_interrupts(bool on) { m_avail[0] = on ? 0 : 1; }
    // Whether the device asks to be notified of new chains: false while it
    // is still working through the ring (VIRTQ_USED_F_NO_NOTIFY), which
    // saves a notification — an exit to the hypervisor — per chain.
    bool device_wants_notify() const { return !(m_used[0] & 1); }

private:
    struct Descriptor {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        uint16_t next;
    };
    Descriptor* m_desc = nullptr;
    volatile uint16_t* m_avail = nullptr; // flags, idx, ring[size], used_event
    volatile uint16_t* m_used = nullptr;  // flags, idx, then {u32 id, u32 len}[size]
    uint64_t m_phys = 0;
    size_t m_used_offset = 0;
    uint16_t m_size = 0;
    uint16_t m_free_head = 0;
    uint16_t m_free_count = 0;
    uint16_t m_avail_idx = 0;
    uint16_t m_last_used = 0;
};

} // namespace husk::x86
