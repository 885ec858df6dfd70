#include "VirtioNet.h"
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "Console.h"
#include "Cpu.h"
#include "Events.h"
#include "PhysicalMemory.h"
#include "VirtioTransport.h"

namespace husk::x86 {

namespace {
constexpr uint64_t kFeatureCsum = 1ull << 0;     // VIRTIO_NET_F_CSUM
constexpr uint64_t kFeatureMac = 1ull << 5;
constexpr uint64_t kFeatureHostTso4 = 1ull << 11; // VIRTIO_NET_F_HOST_TSO4
constexpr uint8_t kHeaderNeedsCsum = 1;           // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr uint8_t kGsoTcpV4 = 1;                  // VIRTIO_NET_HDR_GSO_TCPV4
constexpr uint16_t kReceiveQueue = 0, kTransmitQueue = 1;
constexpr size_t kMinFrame = 14; // an Ethernet header
} // namespace

uint8_t* VirtioNet::buffer(uint64_t base, uint8_t slot) const
{
    return static_cast<uint8_t*>(phys_to_virt(base + size_t(slot) * kBufferSize));
}

uint64_t VirtioNet::tx_phys(uint8_t slot) const
{
    return slot < kSlots ? m_tx_phys + size_t(slot) * kBufferSize : m_big_phys + size_t(slot - kSlots) * kBigBufferSize;
}

bool VirtioNet::setup_queue(uint16_t index, Virtqueue& queue)
{
    uint16_t size = m_transport->queue_max(index);
    if (size < 2)
        return false;
    if (size > kMaxQueueSize)
        size = kMaxQueueSize;
    return queue.init(size) && m_transport->enable_queue(index, queue);
}

bool VirtioNet::init(VirtioTransport& t, unsigned index)
{
    m_transport = &t;
    t.reset();
    t.set_status(VirtioTransport::kAcknowledge | VirtioTransport::kDriver);
    uint64_t offered = t.device_features();
    uint64_t wanted = offered & (kFeatureMac | VirtioTransport::kVersion1 | kFeatureCsum);
    if ((offered & kFeatureCsum) && (offered & kFeatureHostTso4)) // TSO4 needs CSUM
        wanted |= kFeatureHostTso4;
    if (!t.set_features(wanted)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    // virtio_net_hdr has num_buffers (12 bytes) in the modern layout only.
    m_header = t.legacy() ? 10 : 12;
    constexpr size_t pages = kSlots * kBufferSize / kPage;
    m_rx_phys = PhysicalMemory::take_contiguous(pages);
    m_tx_phys = m_rx_phys ? PhysicalMemory::take_contiguous(pages) : 0;
    if (wanted & kFeatureHostTso4)
        m_big_phys = m_tx_phys ? PhysicalMemory::take_contiguous(kBigSlots * kBigBufferSize / kPage) : 0;
    if (!m_tx_phys || ((wanted & kFeatureHostTso4) && !m_big_phys) || !setup_queue(kReceiveQueue, m_rx)
        || !setup_queue(kTransmitQueue, m_tx)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    m_tx.set_interrupts(false); // see reserve()
    if (wanted & kFeatureMac) {
        for (size_t i = 0; i < 6; ++i)
            m_mac[i] = uint8_t(t.config(i, 1));
    } else {
        husk_plat_random(m_mac, sizeof m_mac);
        m_mac[0] = uint8_t((m_mac[0] & 0xfe) | 0x02); // unicast, locally administered
    }
    for (auto& s : m_rx_slot_of_head)
        s = -1;
    for (auto& s : m_tx_slot_of_head)
        s = -1;
    size_t rx_slots = m_rx.size() / 2 < kSlots ? m_rx.size() / 2 : kSlots;
    m_offloads = (wanted & kFeatureCsum ? HUSK_NET_OFFLOAD_CSUM : 0) | (wanted & kFeatureHostTso4 ? HUSK_NET_OFFLOAD_TSO4 : 0);
    size_t big_slots = m_big_phys ? kBigSlots : 0;
    size_t tx_slots = m_tx.size() / 2 - big_slots < kSlots ? m_tx.size() / 2 - big_slots : kSlots;
    for (size_t i = 0; i < tx_slots; ++i)
        m_tx_free[m_tx_free_count++] = uint8_t(i);
    for (size_t i = 0; i < big_slots; ++i)
        m_big_free[m_big_free_count++] = uint8_t(kSlots + i);
    if (!t.attach_interrupt(on_interrupt, this)) {
        Console::print("husk: %s: no interrupt line\n", t.describe());
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    t.set_status(uint8_t(t.status() | VirtioTransport::kDriverOk));
    for (size_t i = 0; i < rx_slots; ++i)
        post_receive(uint8_t(i));
    t.notify(kReceiveQueue);
    kstd::format(m_name, sizeof m_name, "vioif%u", index);
    return true;
}

void VirtioNet::info(husk_net_info& out) const
{
    kstd::format(out.name, sizeof out.name, "%s", m_name);
    for (size_t i = 0; i < 6; ++i)
        out.mac[i] = m_mac[i];
    out.mtu = 1500;
    out.offloads = m_offloads;
    out.max_frame = m_big_phys ? kMaxBigFrame : kMaxFrame;
}

// Gives buffer `slot` to the device: the header and the frame in separate
// descriptors, as legacy devices without ANY_LAYOUT require.
void VirtioNet::post_receive(uint8_t slot)
{
    uint64_t phys = m_rx_phys + size_t(slot) * kBufferSize;
    Virtqueue::Buffer chain[2] = { { phys, uint32_t(m_header), true },
                                   { phys + m_header, uint32_t(kBufferSize - m_header), true } };
    int head = m_rx.submit(chain, 2);
    if (head >= 0)
        m_rx_slot_of_head[head] = int16_t(slot);
}

void VirtioNet::reclaim_sent()
{
    for (int head; (head = m_tx.pop_used()) >= 0;) {
        int16_t slot = m_tx_slot_of_head[head];
        m_tx_slot_of_head[head] = -1;
        if (slot >= 0)
            give_back(uint8_t(slot));
    }
}

bool VirtioNet::sending()
{
    reclaim_sent();
    return m_tx.free_descriptors() < m_tx.size();
}

bool VirtioNet::valid_offload(size_t len, const husk_net_tx& tx) const
{
    if (tx.csum_start == 0)
        return tx.gso_size == 0 && len <= kMaxFrame;
    if (!(m_offloads & HUSK_NET_OFFLOAD_CSUM) || size_t(tx.csum_start) + tx.csum_offset + 2 > len)
        return false;
    if (tx.gso_size == 0)
        return len <= kMaxFrame;
    return (m_offloads & HUSK_NET_OFFLOAD_TSO4) && tx.hdr_len > tx.csum_start && tx.hdr_len < len && len <= kMaxBigFrame;
}

void VirtioNet::give_back(uint8_t slot)
{
    if (slot >= kSlots)
        m_big_free[m_big_free_count++] = slot;
    else
        m_tx_free[m_tx_free_count++] = slot;
}

int VirtioNet::reserve(size_t len, void** buf)
{
    if (m_reserved >= 0)
        give_back(uint8_t(m_reserved));
    m_reserved = -1;
    if (len > (m_big_phys ? kMaxBigFrame : kMaxFrame))
        return -kstd::EINVAL;
    bool big = len > kMaxFrame;
    size_t& free_count = big ? m_big_free_count : m_tx_free_count;
    reclaim_sent();
    if (!free_count) {
        // Full: the device's next completion interrupt says when there is
        // room (the kernel keeps the frame meanwhile). Asked for first, then
        // checked again, so a completion in between is not missed.
        m_tx.set_interrupts(true);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        reclaim_sent();
        if (!free_count)
            return -kstd::EAGAIN;
    }
    m_tx.set_interrupts(false); // sent buffers are reclaimed by the next reservation
    uint8_t slot = big ? m_big_free[--m_big_free_count] : m_tx_free[--m_tx_free_count];
    m_reserved = slot;
    *buf = static_cast<uint8_t*>(phys_to_virt(tx_phys(slot))) + m_header;
    return 0;
}

int VirtioNet::commit(size_t len, const husk_net_tx* tx)
{
    if (m_reserved < 0)
        return len ? -kstd::EINVAL : 0;
    auto slot = uint8_t(m_reserved);
    m_reserved = -1;
    size_t room = slot >= kSlots ? kMaxBigFrame : kMaxFrame;
    if (len < kMinFrame || len > room || (tx ? !valid_offload(len, *tx) : len > kMaxFrame)) {
        give_back(slot);
        return len ? -kstd::EINVAL : 0;
    }
    uint64_t phys = tx_phys(slot);
    auto* b = static_cast<uint8_t*>(phys_to_virt(phys));
    for (size_t i = 0; i < m_header; ++i)
        b[i] = 0;
    if (tx && tx->csum_start) {
        auto put16 = [&](size_t at, uint16_t v) {
            b[at] = uint8_t(v);
            b[at + 1] = uint8_t(v >> 8);
        };
        b[0] = kHeaderNeedsCsum;
        if (tx->gso_size) {
            b[1] = kGsoTcpV4;
            put16(2, tx->hdr_len);
            put16(4, tx->gso_size);
        }
        put16(6, tx->csum_start);
        put16(8, tx->csum_offset);
    }
    Virtqueue::Buffer chain[2] = { { phys, uint32_t(m_header), false },
                                   { phys + m_header, uint32_t(len), false } };
    int head = m_tx.submit(chain, 2);
    if (head < 0) { // out of descriptors: cannot be, with 2 per slot and a slot reserved
        give_back(slot);
        return -kstd::EINVAL;
    }
    m_tx_slot_of_head[head] = int16_t(slot);
    if (m_tx.device_wants_notify())
        m_transport->notify(kTransmitQueue);
    return 0;
}

long VirtioNet::recv(void* buf, size_t len)
{
    for (;;) {
        if (m_pending_head < 0) {
            m_pending_head = m_rx.pop_used(&m_pending_written);
            if (m_pending_head < 0)
                return -kstd::EAGAIN;
        }
        int16_t slot = m_rx_slot_of_head[m_pending_head];
        if (slot < 0) { // not a chain we posted: the device misbehaves
            m_pending_head = -1;
            continue;
        }
        size_t written = m_pending_written;
        if (written > m_header && written - m_header >= kMinFrame && written <= kBufferSize) {
            size_t frame = written - m_header;
            if (frame > len)
                return -kstd::EMSGSIZE; // kept for a larger buffer
            __builtin_memcpy(buf, buffer(m_rx_phys, uint8_t(slot)) + m_header, frame);
            len = frame;
        } else {
            len = 0; // a runt or an impossible length: drop it
        }
        m_rx_slot_of_head[m_pending_head] = -1;
        m_pending_head = -1;
        post_receive(uint8_t(slot));
        if (m_rx.device_wants_notify())
            m_transport->notify(kReceiveQueue);
        if (len)
            return long(len);
    }
}

void VirtioNet::on_interrupt(void* self)
{
    auto* n = static_cast<VirtioNet*>(self);
    if (n->m_transport->ack_interrupt() & 1)
        Events::post(HUSK_EVENT_NET);
}

} // namespace husk::x86
