// virtio-9p (device type 9, the transport of QEMU's and Linux's 9p) behind the 9P hypercalls:
// each request is one descriptor chain, the T-message out and the room for
// the R-message in, straight from the kernel's buffers; several in flight,
// completions reaped from the used ring when the kernel asks.
#pragma once

#include <husk/platform.h>
#include "Virtqueue.h"

namespace husk::x86 {

class VirtioTransport;

class Virtio9p {
public:
    bool init(VirtioTransport& transport);
    void info(husk_9p_info& out) const;
    int submit(husk_9p_req& req);
    size_t reap(husk_9p_req** done, size_t max);
    size_t in_flight() const { return m_in_flight; }

private:
    static constexpr size_t kSlots = 32;
    static constexpr uint16_t kMaxQueueSize = 128; // descriptors (2 per request)
    // What one request may carry either way: QEMU's own limit for a
    // virtio-9p message is far above it; the kernel negotiates msize below.
    static constexpr uint32_t kMaxMessage = 512 * 1024;
    static void on_interrupt(void* self);

    VirtioTransport* m_transport = nullptr;
    Virtqueue m_queue;
    husk_9p_req* m_slot_of_head[kMaxQueueSize] = {};
    size_t m_in_flight = 0;
    size_t m_max_in_flight = 1;
    char m_tag[64] = {};
};

} // namespace husk::x86
