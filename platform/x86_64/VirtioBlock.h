// virtio-blk (virtio 1.x, 5.2) behind the block hypercalls: requests go
// straight from the kernel's buffers to the device (one descriptor chain
// each: header, data, status), several in flight, completions reaped from
// the used ring when the kernel asks.
#pragma once

#include <husk/platform.h>
#include "Virtqueue.h"

namespace husk::x86 {

class VirtioTransport;

class VirtioBlock {
public:
    bool init(VirtioTransport& transport);
    void info(husk_block_info& out) const;
    int submit(husk_block_req& req);
    size_t reap(husk_block_req** done, size_t max);
    size_t in_flight() const { return m_in_flight; }

private:
    static constexpr size_t kSlots = 64;
    static constexpr uint16_t kMaxQueueSize = 128; // descriptors (3 per request)
    struct Header {
        uint32_t type;
        uint32_t reserved;
        uint64_t sector;
    };
    struct Slot {
        Header header;
        uint8_t status;
        husk_block_req* req;
    };
    static void on_interrupt(void* self);

    VirtioTransport* m_transport = nullptr;
    Virtqueue m_queue;
    Slot m_slots[kSlots] = {};
    int16_t m_slot_of_head[kMaxQueueSize] = {}; // descriptor head -> slot, -1 if none
    uint8_t m_free_stack[kSlots] = {};           // indices of free slots
    uint32_t m_free_slots = 0;                   // entries in m_free_stack
    size_t m_in_flight = 0;
    size_t m_max_in_flight = 1;
    husk_block_req* m_done_now[kSlots] = {}; // completed without the device (flush when cacheless)
    size_t m_done_now_count = 0;
    uint64_t m_sectors = 0;
    bool m_read_only = false;
    bool m_flush = false;
};

} // namespace husk::x86
