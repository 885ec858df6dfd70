#include "Virtqueue.h"
#include "Cpu.h"
#include "PhysicalMemory.h"

namespace husk::x86 {

namespace {
constexpr uint16_t kNext = 1, kWrite = 2;
size_t align_page(size_t n) { return (n + kPage - 1) & ~(kPage - 1); }
} // namespace

bool Virtqueue::init(uint16_t size)
{
    m_size = size;
    size_t front = align_page(16ull * size + 6 + 2ull * size);
    size_t used = align_page(6 + 8ull * size);
    m_phys = PhysicalMemory::take_contiguous((front + used) / kPage);
    if (!m_phys)
        return false;
    auto* base = static_cast<uint8_t*>(phys_to_virt(m_phys));
    m_desc = reinterpret_cast<Descriptor*>(base);
    m_avail = reinterpret_cast<volatile uint16_t*>(base + 16ull * size);
    m_used_offset = front;
    m_used = reinterpret_cast<volatile uint16_t*>(base + front);
    for (uint16_t i = 0; i < size; ++i)
        m_desc[i].next = uint16_t(i + 1);
    m_free_head = 0;
    m_free_count = size;
    return true;
}

int Virtqueue::submit(const Buffer* buffers, size_t count)
{
    if (count == 0 || count > m_free_count)
        return -1;
    uint16_t head = m_free_head;
    uint16_t d = head;
    for (size_t i = 0; i < count; ++i) {
        Descriptor& desc = m_desc[d];
        desc.addr = buffers[i].phys;
        desc.len = buffers[i].len;
        desc.flags = uint16_t((buffers[i].device_writes ? kWrite : 0) | (i + 1 < count ? kNext : 0));
        if (i + 1 < count)
            d = desc.next;
    }
    m_free_head = m_desc[d].next;
    m_free_count = uint16_t(m_free_count - count);
    m_avail[2 + (m_avail_idx % m_size)] = head;
    __atomic_thread_fence(__ATOMIC_RELEASE); // ring entry before the index
    m_avail[1] = ++m_avail_idx;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); // index before the notify
    return head;
}

int Virtqueue::pop_used(uint32_t* written)
{
    auto* elems = reinterpret_cast<volatile uint32_t*>(const_cast<uint16_t*>(m_used) + 2);
    uint32_t head;
    do {
        if (m_last_used == m_used[1])
            return -1;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t slot = m_last_used % m_size;
        head = elems[2 * slot];
        if (written)
            *written = elems[2 * slot + 1];
        ++m_last_used;
    } while (head >= m_size); // a device naming a descriptor that does not exist: skip it
    // Return the chain to the free list.
    auto d = uint16_t(head);
    uint16_t n = 1;
    while (m_desc[d].flags & kNext) {
        d = m_desc[d].next;
        ++n;
    }
    m_desc[d].next = m_free_head;
    m_free_head = uint16_t(head);
    m_free_count = uint16_t(m_free_count + n);
    return int(head);
}

} // namespace husk::x86
