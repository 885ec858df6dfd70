// The network hypercalls over the virtio-net devices found at boot, in the
// order the machine announced them (vioif0, vioif1, ...).
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "DeviceSlots.h"
#include "Events.h"
#include "Net.h"
#include "VirtioNet.h"

namespace husk::x86 {

namespace {
[[gnu::section(".bss.noinit")]] DeviceSlots<VirtioNet, NetDevices::kMax> g_devices;
unsigned g_count;

// A frame can arrive at any time: an interface always can wake the kernel.
bool can_receive() { return true; }
} // namespace

bool NetDevices::add(VirtioTransport& transport)
{
    if (g_count == kMax)
        return false;
    if (!g_devices.make(g_count).init(transport, g_count))
        return false;
    if (g_count++ == 0)
        Events::add_source(can_receive);
    return true;
}

void NetDevices::drain(uint64_t timeout_ns)
{
    uint64_t deadline = husk_plat_clock_monotonic() + timeout_ns;
    for (unsigned i = 0; i < g_count; ++i)
        while (g_devices[i].sending() && husk_plat_clock_monotonic() < deadline)
            __builtin_ia32_pause();
}

} // namespace husk::x86

using husk::x86::g_count;
using husk::x86::g_devices;

extern "C" int husk_plat_net_info(unsigned dev, husk_net_info* info)
{
    if (dev >= g_count)
        return -kstd::ENODEV;
    g_devices[dev].info(*info);
    return 0;
}

extern "C" int husk_plat_net_reserve(unsigned dev, size_t len, void** buf)
{
    return dev < g_count ? g_devices[dev].reserve(len, buf) : -kstd::ENODEV;
}

extern "C" int husk_plat_net_commit(unsigned dev, size_t len, const husk_net_tx* tx)
{
    return dev < g_count ? g_devices[dev].commit(len, tx) : -kstd::ENODEV;
}

extern "C" long husk_plat_net_recv(unsigned dev, void* buf, size_t len)
{
    return dev < g_count ? g_devices[dev].recv(buf, len) : -kstd::ENODEV;
}
