#include "Pci.h"
#include "Cpu.h"

namespace husk::x86 {

namespace {
constexpr uint16_t kAddressPort = 0xcf8, kDataPort = 0xcfc;

void select(PciAddress a, uint8_t offset)
{
    outl(kAddressPort, 0x80000000u | uint32_t(a.bus) << 16 | uint32_t(a.device) << 11
                           | uint32_t(a.function) << 8 | (offset & 0xfcu));
}

void scan_bus(uint8_t bus, void (*found)(PciAddress), uint32_t (&seen)[8], unsigned depth)
{
    if (seen[bus / 32] & (1u << (bus % 32)) || depth > 8)
        return; // a bridge loop or absurd nesting: firmware bug, stop
    seen[bus / 32] |= 1u << (bus % 32);
    for (uint8_t device = 0; device < 32; ++device) {
        PciAddress first { bus, device, 0 };
        if (Pci::read16(first, Pci::kVendorId) == 0xffff)
            continue;
        uint8_t functions = (Pci::read8(first, Pci::kHeaderType) & 0x80) ? 8 : 1;
        for (uint8_t function = 0; function < functions; ++function) {
            PciAddress a { bus, device, function };
            if (Pci::read16(a, Pci::kVendorId) == 0xffff)
                continue;
            found(a);
            if (Pci::read8(a, Pci::kClass) == 0x06 && Pci::read8(a, Pci::kSubclass) == 0x04)
                scan_bus(Pci::read8(a, Pci::kSecondaryBus), found, seen, depth + 1);
        }
    }
}
} // namespace

bool Pci::present()
{
    outl(kAddressPort, 0x80000000u);
    return inl(kAddressPort) == 0x80000000u;
}

void Pci::each_function(void (*found)(PciAddress))
{
    uint32_t seen[8] = {};
    scan_bus(0, found, seen, 0);
}

uint32_t Pci::read32(PciAddress a, uint8_t offset)
{
    select(a, offset);
    return inl(kDataPort);
}

uint16_t Pci::read16(PciAddress a, uint8_t offset)
{
    select(a, offset);
    return inw(uint16_t(kDataPort + (offset & 2)));
}

uint8_t Pci::read8(PciAddress a, uint8_t offset)
{
    select(a, offset);
    return inb(uint16_t(kDataPort + (offset & 3)));
}

void Pci::write16(PciAddress a, uint8_t offset, uint16_t value)
{
    select(a, offset);
    outw(uint16_t(kDataPort + (offset & 2)), value);
}

uint64_t Pci::memory_bar(PciAddress a, unsigned index)
{
    if (index > 5)
        return 0;
    uint8_t offset = uint8_t(kBar0 + 4 * index);
    uint32_t low = read32(a, offset);
    if (low & 1)
        return 0; // I/O space
    uint64_t base = low & ~0xfull;
    if (((low >> 1) & 3) == 2 && index < 5)
        base |= uint64_t(read32(a, uint8_t(offset + 4))) << 32;
    return base;
}

uint8_t Pci::find_capability(PciAddress a, uint8_t id, uint8_t after)
{
    if (!(read16(a, kStatus) & (1u << 4)))
        return 0;
    uint8_t at = after ? read8(a, uint8_t(after + 1)) : read8(a, kCapabilities);
    for (unsigned steps = 0; at >= 0x40 && steps < 48; ++steps) { // 48: the most that fit in 256 bytes
        at &= 0xfc;
        if (read8(a, at) == id)
            return at;
        at = read8(a, uint8_t(at + 1));
    }
    return 0;
}

} // namespace husk::x86
