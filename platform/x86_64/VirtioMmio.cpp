#include "VirtioMmio.h"
#include "../../kernel/kstd/Format.h"
#include "BootInfo.h"
#include "Cpu.h"
#include "Idt.h"
#include "IoApic.h"
#include "Paging.h"
#include "Virtqueue.h"

namespace husk::x86 {

namespace {
enum : uint32_t {
    kMagic = 0x000, kVersion = 0x004, kDeviceId = 0x008, kDeviceFeatures = 0x010, kDeviceFeaturesSel = 0x014,
    kDriverFeatures = 0x020, kDriverFeaturesSel = 0x024, kGuestPageSize = 0x028, kQueueSel = 0x030,
    kQueueNumMax = 0x034, kQueueNum = 0x038, kQueueAlign = 0x03c, kQueuePfn = 0x040, kQueueReady = 0x044,
    kQueueNotify = 0x050, kInterruptStatus = 0x060, kInterruptAck = 0x064, kStatus = 0x070,
    kQueueDescLow = 0x080, kQueueDescHigh = 0x084, kQueueDriverLow = 0x090, kQueueDriverHigh = 0x094,
    kQueueDeviceLow = 0x0a0, kQueueDeviceHigh = 0x0a4, kConfig = 0x100,
};
constexpr uint32_t kMagicValue = 0x74726976; // "virt"

uint64_t parse_number(const char*& p)
{
    uint64_t v = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2;; ++p) {
            char c = *p;
            unsigned d = c >= '0' && c <= '9' ? unsigned(c - '0') : c >= 'a' && c <= 'f' ? unsigned(c - 'a' + 10)
                : c >= 'A' && c <= 'F' ? unsigned(c - 'A' + 10) : 16u;
            if (d == 16)
                break;
            v = v * 16 + d;
        }
        return v;
    }
    for (; *p >= '0' && *p <= '9'; ++p)
        v = v * 10 + uint64_t(*p - '0');
    if (*p == 'K' || *p == 'k')
        v <<= 10, ++p;
    return v;
}
} // namespace

void VirtioMmio::each_announced(void (*found)(uint64_t base, uint32_t irq))
{
    for (const char* q = BootInfo::value("virtio_mmio.device"); q; q = BootInfo::value("virtio_mmio.device", q)) {
        parse_number(q); // size: the register block is always 512 bytes
        if (*q++ != '@')
            continue;
        uint64_t base = parse_number(q);
        if (*q++ != ':')
            continue;
        found(base, uint32_t(parse_number(q)));
    }
}

bool VirtioMmio::init(uint64_t base, uint32_t irq)
{
    auto* regs = static_cast<volatile uint32_t*>(Paging::map_mmio(base, 0x200));
    if (!regs || regs[kMagic / 4] != kMagicValue || regs[kDeviceId / 4] == 0)
        return false;
    m_regs = regs;
    m_version = read(kVersion);
    m_irq = irq;
    // Short enough for husk_block_info::name; v1 is the legacy interface.
    kstd::format(m_description, sizeof m_description, "virtio-mmio@%lx irq %u v%u", (unsigned long)base, irq,
                 m_version);
    return m_version == 1 || m_version == 2;
}

uint32_t VirtioMmio::device_id() { return read(kDeviceId); }

uint64_t VirtioMmio::device_features()
{
    write(kDeviceFeaturesSel, 0);
    uint64_t low = read(kDeviceFeatures);
    write(kDeviceFeaturesSel, 1);
    return low | (uint64_t(read(kDeviceFeatures)) << 32);
}

bool VirtioMmio::set_features(uint64_t features)
{
    if (m_version == 1)
        features &= 0xffffffffull; // legacy devices have 32 feature bits
    write(kDriverFeaturesSel, 0);
    write(kDriverFeatures, uint32_t(features));
    write(kDriverFeaturesSel, 1);
    write(kDriverFeatures, uint32_t(features >> 32));
    if (m_version == 1) {
        write(kGuestPageSize, uint32_t(kPage));
        return true;
    }
    set_status(uint8_t(status() | kFeaturesOk));
    return status() & kFeaturesOk;
}

void VirtioMmio::set_status(uint8_t s) { write(kStatus, s); }
uint8_t VirtioMmio::status() { return uint8_t(read(kStatus)); }
void VirtioMmio::reset() { write(kStatus, 0); }

uint16_t VirtioMmio::queue_max(uint16_t index)
{
    write(kQueueSel, index);
    return uint16_t(read(kQueueNumMax));
}

bool VirtioMmio::enable_queue(uint16_t index, Virtqueue& q)
{
    write(kQueueSel, index);
    write(kQueueNum, q.size());
    if (m_version == 1) {
        write(kQueueAlign, uint32_t(kPage));
        write(kQueuePfn, uint32_t(q.desc_phys() / kPage));
        return true;
    }
    write(kQueueDescLow, uint32_t(q.desc_phys()));
    write(kQueueDescHigh, uint32_t(q.desc_phys() >> 32));
    write(kQueueDriverLow, uint32_t(q.avail_phys()));
    write(kQueueDriverHigh, uint32_t(q.avail_phys() >> 32));
    write(kQueueDeviceLow, uint32_t(q.used_phys()));
    write(kQueueDeviceHigh, uint32_t(q.used_phys() >> 32));
    write(kQueueReady, 1);
    return read(kQueueReady) == 1;
}

void VirtioMmio::notify(uint16_t index) { write(kQueueNotify, index); }

uint32_t VirtioMmio::ack_interrupt()
{
    uint32_t isr = read(kInterruptStatus);
    if (isr)
        write(kInterruptAck, isr);
    return isr;
}

uint64_t VirtioMmio::config(size_t offset, size_t width)
{
    auto* base = reinterpret_cast<volatile uint8_t*>(m_regs) + kConfig + offset;
    switch (width) {
    case 1: return *base;
    case 2: return *reinterpret_cast<volatile uint16_t*>(base);
    case 4: return *reinterpret_cast<volatile uint32_t*>(base);
    default:
        return *reinterpret_cast<volatile uint32_t*>(base) | (uint64_t(*reinterpret_cast<volatile uint32_t*>(base + 4)) << 32);
    }
}

bool VirtioMmio::attach_interrupt(void (*handler)(void*), void* context)
{
    uint8_t vector = IoApic::vector_for(m_irq);
    return Idt::set_handler(vector, handler, context) && IoApic::route(m_irq, vector, true);
}

} // namespace husk::x86
