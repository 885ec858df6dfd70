#include "Devices.h"
#include <husk/platform.h>
#include "Events.h"
#include "Idt.h"
#include "IoApic.h"
#include "Serial.h"
#include "StopChannel.h"
#include "Block.h"
#include "BootInfo.h"
#include "Console.h"
#include "DeviceSlots.h"
#include "Net.h"
#include "Ninep.h"
#include "Pci.h"
#include "VirtioMmio.h"
#include "VirtioPci.h"

namespace husk::x86 {

namespace {
bool g_console_input, g_console_stream;

void on_serial(void*) { Events::post(HUSK_EVENT_CONSOLE); }
bool console_can_wake() { return g_console_input; }

constexpr uint32_t kVirtioNet = 1, kVirtioBlock = 2, kVirtio9p = 9;
[[gnu::section(".bss.noinit")]] DeviceSlots<VirtioMmio, 16> g_mmio;
unsigned g_mmio_count;
[[gnu::section(".bss.noinit")]] DeviceSlots<VirtioPci, 16> g_pci;
unsigned g_pci_count;

void attach(VirtioTransport& t)
{
    switch (t.device_id()) {
    case kVirtioBlock:
        if (!BlockDevices::add(t))
            Console::print("husk: %s: virtio-blk device not usable\n", t.describe());
        break;
    case kVirtioNet:
        if (!NetDevices::add(t))
            Console::print("husk: %s: virtio-net device not usable\n", t.describe());
        break;
    case kVirtio9p:
        if (!NinepChannels::add(t))
            Console::print("husk: %s: virtio-9p device not usable\n", t.describe());
        break;
    default:
        break; // other device types are not used
    }
}

void found_mmio(uint64_t base, uint32_t irq)
{
    if (g_mmio_count == g_mmio.kCount)
        return;
    VirtioMmio& m = g_mmio.make(g_mmio_count);
    if (!m.init(base, irq)) {
        Console::print("husk: no usable virtio device at %lx\n", (unsigned long)base);
        return;
    }
    ++g_mmio_count;
    attach(m);
}

void found_pci(PciAddress a)
{
    if (g_pci_count == g_pci.kCount)
        return;
    VirtioPci& p = g_pci.make(g_pci_count);
    if (!p.init(a))
        return;
    ++g_pci_count;
    attach(p);
}
} // namespace

bool Devices::console_input() { return g_console_input; }
bool Devices::console_stream() { return g_console_stream; }

void Devices::probe()
{
    VirtioMmio::each_announced(found_mmio);
    if (Pci::present())
        Pci::each_function(found_pci);
    StopChannel::init();
    bool stream = BootInfo::has_word("console_input=stream");
    if (stream || BootInfo::has_word("console_input=1")) {
        uint8_t vector = IoApic::vector_for(Serial::kIrq);
        if (Idt::set_handler(vector, on_serial, nullptr) && IoApic::route(Serial::kIrq, vector, false)) {
            if (stream)
                Serial::enable_fifo();
            Serial::enable_receive_interrupt();
            g_console_input = true;
            g_console_stream = stream;
            Events::add_source(console_can_wake);
            // husk run holds a stream back until now: bytes arriving before
            // the receive FIFO was set up would be lost.
            if (stream)
                Serial::write_status("husk-input\n", 11);
        }
    }
}

} // namespace husk::x86
