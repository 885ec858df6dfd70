#include "VirtioBlock.h"
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "Console.h"
#include "Cpu.h"
#include "Events.h"
#include "VirtioTransport.h"

namespace husk::x86 {

namespace {
constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4;
constexpr uint64_t kFeatureRo = 1ull << 5, kFeatureFlush = 1ull << 9;
constexpr uint32_t kSectorSize = 512; // virtio-blk always counts 512-byte sectors

// Kernel buffers live in the direct map or the image: physically contiguous.
bool dma_able(const void* p, size_t len)
{
    auto a = reinterpret_cast<uintptr_t>(p);
    return a >= kDirectMap && a + len >= a;
}
} // namespace

bool VirtioBlock::init(VirtioTransport& t)
{
    m_transport = &t;
    t.reset();
    t.set_status(VirtioTransport::kAcknowledge | VirtioTransport::kDriver);
    uint64_t offered = t.device_features();
    uint64_t wanted = offered & (kFeatureRo | kFeatureFlush | VirtioTransport::kVersion1);
    if (!t.set_features(wanted)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    m_read_only = wanted & kFeatureRo;
    m_flush = wanted & kFeatureFlush;
    uint16_t size = t.queue_max(0);
    if (size == 0)
        return false;
    if (size > kMaxQueueSize)
        size = kMaxQueueSize;
    if (!m_queue.init(size) || !t.enable_queue(0, m_queue)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    m_sectors = t.config(0, 8);
    m_max_in_flight = size / 3 < kSlots ? size / 3 : kSlots;
    for (size_t i = 0; i < kSlots; ++i)
        m_free_stack[i] = uint8_t(kSlots - 1 - i);
    m_free_slots = kSlots;
    for (auto& s : m_slot_of_head)
        s = -1;
    if (!t.attach_interrupt(on_interrupt, this)) {
        Console::print("husk: %s: no interrupt line\n", t.describe());
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    t.set_status(uint8_t(t.status() | VirtioTransport::kDriverOk));
    return true;
}

void VirtioBlock::info(husk_block_info& out) const
{
    // The kernel names the device (vda...); the platform says where it is.
    kstd::format(out.name, sizeof out.name, "%s", m_transport->describe());
    out.sectors = m_sectors;
    out.sector_size = kSectorSize;
    out.flags = m_read_only ? HUSK_BLOCK_READONLY : 0;
    out.max_inflight = uint32_t(m_max_in_flight);
}

int VirtioBlock::submit(husk_block_req& req)
{
    if (req.op == HUSK_BLOCK_FLUSH && !m_flush) {
        // No volatile cache to flush: every completed write is durable.
        if (m_done_now_count == kSlots)
            return -kstd::EAGAIN;
        req.status = 0;
        m_done_now[m_done_now_count++] = &req;
        Events::post(HUSK_EVENT_BLOCK);
        return 0;
    }
    if (req.op > HUSK_BLOCK_FLUSH)
        return -kstd::EINVAL;
    size_t bytes = size_t(req.count) * kSectorSize;
    if (req.op != HUSK_BLOCK_FLUSH) {
        if (!req.count || req.sector > m_sectors || req.count > m_sectors - req.sector || !dma_able(req.buf, bytes))
            return -kstd::EINVAL;
        if (req.op == HUSK_BLOCK_WRITE && m_read_only)
            return -kstd::EROFS;
    }
    if (m_in_flight >= m_max_in_flight || !m_free_slots)
        return -kstd::EAGAIN;
    uint8_t index = m_free_stack[--m_free_slots];
    Slot& slot = m_slots[index];
    slot.header = { req.op == HUSK_BLOCK_READ ? kTypeIn : req.op == HUSK_BLOCK_WRITE ? kTypeOut : kTypeFlush, 0,
                    req.op == HUSK_BLOCK_FLUSH ? 0 : req.sector };
    slot.status = 0xff;
    slot.req = &req;
    Virtqueue::Buffer chain[3];
    size_t n = 0;
    chain[n++] = { virt_to_phys(&slot.header), sizeof slot.header, false };
    if (req.op != HUSK_BLOCK_FLUSH)
        chain[n++] = { virt_to_phys(req.buf), uint32_t(bytes), req.op == HUSK_BLOCK_READ };
    chain[n++] = { virt_to_phys(&slot.status), 1, true };
    int head = m_queue.submit(chain, n);
    if (head < 0) {
        m_free_stack[m_free_slots++] = index;
        return -kstd::EAGAIN;
    }
    m_slot_of_head[head] = int16_t(index);
    ++m_in_flight;
    if (m_queue.device_wants_notify())
        m_transport->notify(0);
    return 0;
}

size_t VirtioBlock::reap(husk_block_req** done, size_t max)
{
    size_t n = 0;
    while (n < max && m_done_now_count) {
        done[n++] = m_done_now[0];
        for (size_t i = 1; i < m_done_now_count; ++i)
            m_done_now[i - 1] = m_done_now[i];
        --m_done_now_count;
    }
    while (n < max) {
        int head = m_queue.pop_used();
        if (head < 0)
            break;
        int16_t index = m_slot_of_head[head];
        m_slot_of_head[head] = -1;
        if (index < 0)
            continue; // not ours: the device misbehaves; nothing to complete
        Slot& slot = m_slots[index];
        slot.req->status = slot.status == 0 ? 0 : -kstd::EIO;
        done[n++] = slot.req;
        slot.req = nullptr;
        m_free_stack[m_free_slots++] = uint8_t(index);
        --m_in_flight;
    }
    return n;
}

void VirtioBlock::on_interrupt(void* self)
{
    auto* b = static_cast<VirtioBlock*>(self);
    if (b->m_transport->ack_interrupt() & 1)
        Events::post(HUSK_EVENT_BLOCK);
}

} // namespace husk::x86
