#include "VirtioPci.h"
#include "../../kernel/kstd/Format.h"
#include "Console.h"
#include "Cpu.h"
#include "Idt.h"
#include "IoApic.h"
#include "Lapic.h"
#include "Paging.h"
#include "Virtqueue.h"

namespace husk::x86 {

namespace {
constexpr uint16_t kVendorVirtio = 0x1af4;
constexpr uint8_t kCfgCommon = 1, kCfgNotify = 2, kCfgIsr = 3, kCfgDevice = 4;
constexpr uint16_t kNoVector = 0xffff;

// Common configuration structure (4.1.4.3).
enum : uint32_t {
    kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04, kDriverFeatureSelect = 0x08, kDriverFeature = 0x0c,
    kMsixConfig = 0x10, kNumQueues = 0x12, kDeviceStatus = 0x14, kQueueSelect = 0x16, kQueueSize = 0x18,
    kQueueMsixVector = 0x1a, kQueueEnable = 0x1c, kQueueNotifyOff = 0x1e, kQueueDesc = 0x20,
    kQueueDriver = 0x28, kQueueDevice = 0x30,
};

template<typename T> T rd(volatile uint8_t* base, uint32_t off) { return *reinterpret_cast<volatile T*>(base + off); }
template<typename T> void wr(volatile uint8_t* base, uint32_t off, T v) { *reinterpret_cast<volatile T*>(base + off) = v; }
void wr64(volatile uint8_t* base, uint32_t off, uint64_t v)
{
    wr<uint32_t>(base, off, uint32_t(v));
    wr<uint32_t>(base, off + 4, uint32_t(v >> 32));
}
} // namespace

volatile uint8_t* VirtioPci::map_capability(uint8_t cap, uint32_t* length)
{
    uint8_t bar = Pci::read8(m_address, uint8_t(cap + 4));
    uint32_t offset = Pci::read32(m_address, uint8_t(cap + 8));
    uint32_t size = Pci::read32(m_address, uint8_t(cap + 12));
    uint64_t base = Pci::memory_bar(m_address, bar);
    if (!base || size == 0)
        return nullptr;
    if (length)
        *length = size;
    return static_cast<volatile uint8_t*>(Paging::map_mmio(base + offset, size));
}

bool VirtioPci::init(PciAddress a)
{
    if (Pci::read16(a, Pci::kVendorId) != kVendorVirtio)
        return false;
    uint16_t device = Pci::read16(a, Pci::kDeviceId);
    if (device >= 0x1040 && device <= 0x107f)
        m_device_id = device - 0x1040u;
    else if (device >= 0x1000 && device <= 0x103f)
        m_device_id = Pci::read16(a, Pci::kSubsystemId); // transitional: the type is the subsystem id
    else
        return false;
    m_address = a;
    describe_interrupt("");

    for (uint8_t cap = Pci::find_capability(a, Pci::kCapVendor); cap;
         cap = Pci::find_capability(a, Pci::kCapVendor, cap)) {
        switch (Pci::read8(a, uint8_t(cap + 3))) {
        case kCfgCommon:
            if (!m_common) m_common = map_capability(cap);
            break;
        case kCfgNotify:
            if (!m_notify) {
                m_notify = map_capability(cap, &m_notify_length);
                m_notify_multiplier = Pci::read32(a, uint8_t(cap + 16));
            }
            break;
        case kCfgIsr:
            if (!m_isr) m_isr = map_capability(cap);
            break;
        case kCfgDevice:
            if (!m_device) m_device = map_capability(cap);
            break;
        default:
            break;
        }
    }
    if (!m_common || !m_notify || !m_isr) {
        Console::print("husk: %s: no modern virtio interface (legacy-only devices are not supported)\n",
                       m_description);
        return false;
    }
    uint16_t command = Pci::read16(a, Pci::kCommand);
    Pci::write16(a, Pci::kCommand, uint16_t(command | Pci::kCommandMemory | Pci::kCommandBusMaster));
    setup_msix();
    return true;
}

// Points MSI-X table entry 0 at a fresh vector on this CPU and enables
// MSI-X; without it (or without a free vector) the device uses INTx.
bool VirtioPci::setup_msix()
{
    uint8_t cap = Pci::find_capability(m_address, Pci::kCapMsix);
    if (!cap)
        return false;
    uint32_t table = Pci::read32(m_address, uint8_t(cap + 4));
    uint64_t bar = Pci::memory_bar(m_address, table & 7);
    if (!bar)
        return false;
    auto* entry = static_cast<volatile uint32_t*>(Paging::map_mmio(bar + (table & ~7u), 16));
    uint8_t vector = entry ? Idt::allocate_vector() : 0;
    if (!vector)
        return false;
    entry[0] = 0xfee00000u | (Lapic::id() << 12); // message address: this CPU's local APIC
    entry[1] = 0;
    entry[2] = vector; // fixed delivery, edge triggered
    entry[3] = 0;      // unmasked
    uint16_t control = Pci::read16(m_address, uint8_t(cap + 2));
    Pci::write16(m_address, uint8_t(cap + 2), uint16_t((control & ~(1u << 14)) | (1u << 15)));
    m_vector = vector;
    return true;
}

uint64_t VirtioPci::device_features()
{
    wr<uint32_t>(m_common, kDeviceFeatureSelect, 0);
    uint64_t low = rd<uint32_t>(m_common, kDeviceFeature);
    wr<uint32_t>(m_common, kDeviceFeatureSelect, 1);
    return low | uint64_t(rd<uint32_t>(m_common, kDeviceFeature)) << 32;
}

bool VirtioPci::set_features(uint64_t features)
{
    features |= kVersion1; // the modern interface requires it
    wr<uint32_t>(m_common, kDriverFeatureSelect, 0);
    wr<uint32_t>(m_common, kDriverFeature, uint32_t(features));
    wr<uint32_t>(m_common, kDriverFeatureSelect, 1);
    wr<uint32_t>(m_common, kDriverFeature, uint32_t(features >> 32));
    set_status(uint8_t(status() | kFeaturesOk));
    return status() & kFeaturesOk;
}

void VirtioPci::set_status(uint8_t s) { wr<uint8_t>(m_common, kDeviceStatus, s); }
uint8_t VirtioPci::status() { return rd<uint8_t>(m_common, kDeviceStatus); }

void VirtioPci::reset()
{
    wr<uint8_t>(m_common, kDeviceStatus, 0);
    for (unsigned i = 0; i < 1000000 && rd<uint8_t>(m_common, kDeviceStatus) != 0; ++i)
        asm volatile("pause");
    wr<uint16_t>(m_common, kMsixConfig, kNoVector);
}

uint16_t VirtioPci::queue_max(uint16_t index)
{
    if (index >= rd<uint16_t>(m_common, kNumQueues))
        return 0;
    wr<uint16_t>(m_common, kQueueSelect, index);
    return rd<uint16_t>(m_common, kQueueSize);
}

bool VirtioPci::enable_queue(uint16_t index, Virtqueue& q)
{
    wr<uint16_t>(m_common, kQueueSelect, index);
    wr<uint16_t>(m_common, kQueueSize, q.size());
    if (m_vector) {
        wr<uint16_t>(m_common, kQueueMsixVector, 0);
        if (rd<uint16_t>(m_common, kQueueMsixVector) != 0)
            return false; // the device could not allocate the vector
    }
    wr64(m_common, kQueueDesc, q.desc_phys());
    wr64(m_common, kQueueDriver, q.avail_phys());
    wr64(m_common, kQueueDevice, q.used_phys());
    wr<uint16_t>(m_common, kQueueEnable, 1);
    return rd<uint16_t>(m_common, kQueueEnable) == 1;
}

void VirtioPci::notify(uint16_t index)
{
    wr<uint16_t>(m_common, kQueueSelect, index);
    uint32_t offset = uint32_t(rd<uint16_t>(m_common, kQueueNotifyOff)) * m_notify_multiplier;
    if (offset + 2 <= m_notify_length)
        wr<uint16_t>(m_notify, offset, index);
}

uint32_t VirtioPci::ack_interrupt()
{
    // With MSI-X the vector itself says "a queue was used"; the ISR is
    // for INTx (reading it also deasserts the line).
    return m_vector ? 1u : rd<uint8_t>(m_isr, 0);
}

uint64_t VirtioPci::config(size_t offset, size_t width)
{
    if (!m_device)
        return 0;
    switch (width) {
    case 1: return rd<uint8_t>(m_device, uint32_t(offset));
    case 2: return rd<uint16_t>(m_device, uint32_t(offset));
    case 4: return rd<uint32_t>(m_device, uint32_t(offset));
    default:
        return rd<uint32_t>(m_device, uint32_t(offset)) | uint64_t(rd<uint32_t>(m_device, uint32_t(offset + 4))) << 32;
    }
}

void VirtioPci::describe_interrupt(const char* kind, unsigned irq)
{
    size_t n = kstd::format(m_description, sizeof m_description, "virtio-pci %02x:%02x.%x", m_address.bus,
                            m_address.device, m_address.function);
    if (*kind && n < sizeof m_description)
        kstd::format(m_description + n, sizeof m_description - n, irq ? " %s irq %u" : " %s", kind, irq);
}

bool VirtioPci::attach_interrupt(void (*handler)(void*), void* context)
{
    if (m_vector) {
        uint16_t command = Pci::read16(m_address, Pci::kCommand);
        Pci::write16(m_address, Pci::kCommand, uint16_t(command | Pci::kCommandIntxDisable));
        describe_interrupt("MSI-X");
        return Idt::set_handler(m_vector, handler, context);
    }
    uint8_t line = Pci::read8(m_address, Pci::kInterruptLine);
    if (line == 0 || line == 0xff)
        return false;
    uint8_t vector = IoApic::vector_for(line);
    describe_interrupt("INTx", line);
    return Idt::set_handler(vector, handler, context) && IoApic::route(line, vector, true);
}

} // namespace husk::x86
