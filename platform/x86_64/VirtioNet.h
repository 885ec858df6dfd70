// virtio-net (virtio 1.x, 5.1) behind the network hypercalls: a receive
// queue kept full of 2 KiB buffers and a transmit queue of as many, frames
// built in place by the kernel and copied out on receipt. Where
// the device offers checksum and TCP segmentation offload (QEMU does with
// a TAP backend), a few 64 KiB transmit buffers take the kernel's large
// frames and the virtio-net header carries what the device is to finish.
#pragma once

#include <husk/platform.h>
#include "Virtqueue.h"

namespace husk::x86 {

class VirtioTransport;

class VirtioNet {
public:
    bool init(VirtioTransport& transport, unsigned index);
    void info(husk_net_info& out) const;
    int reserve(size_t len, void** buf);
    int commit(size_t len, const husk_net_tx* tx);
    long recv(void* buf, size_t len);
    // Frames given to the device that it has not yet sent.
    bool sending();

private:
    static constexpr size_t kSlots = 128;         // buffers per direction: a full TCP window in flight
    static constexpr uint16_t kMaxQueueSize = 256; // descriptors: 2 per buffer
    static constexpr size_t kBufferSize = 2048;   // header + the largest frame
    static constexpr size_t kMaxFrame = 1514;     // Ethernet header + 1500 bytes of MTU
    static constexpr size_t kBigSlots = 8;        // for TSO frames, when offered
    static constexpr size_t kMaxBigFrame = 14 + 65535;
    static constexpr size_t kBigBufferSize = 17 * 4096; // header + the largest TSO frame
    static void on_interrupt(void* self);
    bool setup_queue(uint16_t index, Virtqueue& queue);
    void post_receive(uint8_t slot);
    void reclaim_sent();
    void give_back(uint8_t slot);
    uint8_t* buffer(uint64_t base, uint8_t slot) const;
    uint64_t tx_phys(uint8_t slot) const;
    bool valid_offload(size_t len, const husk_net_tx& tx) const;

    VirtioTransport* m_transport = nullptr;
    Virtqueue m_rx, m_tx;
    uint64_t m_rx_phys = 0, m_tx_phys = 0; // kSlots buffers each, contiguous
    int16_t m_rx_slot_of_head[kMaxQueueSize] = {};
    int16_t m_tx_slot_of_head[kMaxQueueSize] = {};
    uint8_t m_tx_free[kSlots] = {};
    size_t m_tx_free_count = 0;
    uint64_t m_big_phys = 0;       // kBigSlots buffers, slots kSlots.. (with TSO4 only)
    uint8_t m_big_free[kBigSlots] = {};
    size_t m_big_free_count = 0;
    int16_t m_reserved = -1;       // the slot a frame is being built in
    uint32_t m_offloads = 0;       // HUSK_NET_OFFLOAD_*
    int m_pending_head = -1;       // a received frame too large for the last recv()
    uint32_t m_pending_written = 0;
    size_t m_header = 12;          // 10 bytes for legacy devices
    uint8_t m_mac[6] = {};
    char m_name[16] = {};
};

} // namespace husk::x86
