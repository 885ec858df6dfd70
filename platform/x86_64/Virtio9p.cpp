#include "Virtio9p.h"
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "Console.h"
#include "Cpu.h"
#include "Events.h"
#include "VirtioTransport.h"

namespace husk::x86 {

namespace {
constexpr uint64_t kFeatureMountTag = 1ull << 0; // VIRTIO_9P_MOUNT_TAG

// Kernel buffers live in the direct map or the image: physically contiguous.
bool dma_able(const void* p, size_t len)
{
    auto a = reinterpret_cast<uintptr_t>(p);
    return a >= kDirectMap && a + len >= a;
}
} // namespace

bool Virtio9p::init(VirtioTransport& t)
{
    m_transport = &t;
    t.reset();
    t.set_status(VirtioTransport::kAcknowledge | VirtioTransport::kDriver);
    uint64_t offered = t.device_features();
    uint64_t wanted = offered & (kFeatureMountTag | VirtioTransport::kVersion1);
    if (!(wanted & kFeatureMountTag) || !t.set_features(wanted)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    // Configuration: le16 tag_len, then the tag's bytes (no NUL).
    size_t length = size_t(t.config(0, 2));
    if (length >= sizeof m_tag)
        length = sizeof m_tag - 1;
    for (size_t i = 0; i < length; ++i)
        m_tag[i] = char(t.config(2 + i, 1));
    m_tag[length] = 0;
    uint16_t size = t.queue_max(0);
    if (size == 0)
        return false;
    if (size > kMaxQueueSize)
        size = kMaxQueueSize;
    if (!m_queue.init(size) || !t.enable_queue(0, m_queue)) {
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    m_max_in_flight = size / 2 < kSlots ? size / 2 : kSlots;
    if (!t.attach_interrupt(on_interrupt, this)) {
        Console::print("husk: %s: no interrupt line\n", t.describe());
        t.set_status(VirtioTransport::kFailed);
        return false;
    }
    t.set_status(uint8_t(t.status() | VirtioTransport::kDriverOk));
    return true;
}

void Virtio9p::info(husk_9p_info& out) const
{
    kstd::format(out.tag, sizeof out.tag, "%s", m_tag);
    kstd::format(out.name, sizeof out.name, "%s", m_transport->describe());
    out.max_message = kMaxMessage;
    out.max_inflight = uint32_t(m_max_in_flight);
}

int Virtio9p::submit(husk_9p_req& req)
{
    if (req.request_len < 7 || req.request_len > kMaxMessage || req.reply_room < 7 || req.reply_room > kMaxMessage
        || !dma_able(req.request, req.request_len) || !dma_able(req.reply, req.reply_room))
        return -kstd::EINVAL;
    if (m_in_flight >= m_max_in_flight)
        return -kstd::EAGAIN;
    Virtqueue::Buffer chain[2] = {
        { virt_to_phys(req.request), req.request_len, false },
        { virt_to_phys(req.reply), req.reply_room, true },
    };
    int head = m_queue.submit(chain, 2);
    if (head < 0)
        return -kstd::EAGAIN;
    m_slot_of_head[head] = &req;
    ++m_in_flight;
    if (m_queue.device_wants_notify())
        m_transport->notify(0);
    return 0;
}

size_t Virtio9p::reap(husk_9p_req** done, size_t max)
{
    size_t n = 0;
    while (n < max) {
        uint32_t written = 0;
        int head = m_queue.pop_used(&written);
        if (head < 0)
            break;
        husk_9p_req* req = m_slot_of_head[head];
        m_slot_of_head[head] = nullptr;
        if (!req)
            continue; // not ours: the device misbehaves; nothing to complete
        // A reply shorter than a 9P header, or longer than its room, is the
        // channel failing (QEMU writes nothing when the room is too small).
        req->reply_len = written;
        req->status = written >= 7 && written <= req->reply_room ? 0 : -kstd::EIO;
        done[n++] = req;
        --m_in_flight;
    }
    return n;
}

void Virtio9p::on_interrupt(void* self)
{
    auto* d = static_cast<Virtio9p*>(self);
    if (d->m_transport->ack_interrupt() & 1)
        Events::post(HUSK_EVENT_9P);
}

} // namespace husk::x86
