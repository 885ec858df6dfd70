// The block hypercalls over the virtio-blk devices found at boot, in the
// order the machine announced them (vda, vdb, ...).
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "Block.h"
#include "DeviceSlots.h"
#include "Events.h"
#include "VirtioBlock.h"

namespace husk::x86 {

namespace {
[[gnu::section(".bss.noinit")]] DeviceSlots<VirtioBlock, BlockDevices::kMax> g_devices;
unsigned g_count;

bool any_in_flight()
{
    for (unsigned i = 0; i < g_count; ++i)
        if (g_devices[i].in_flight())
            return true;
    return false;
}
} // namespace

bool BlockDevices::add(VirtioTransport& transport)
{
    if (g_count == kMax)
        return false;
    if (!g_devices.make(g_count).init(transport))
        return false;
    if (g_count++ == 0)
        Events::add_source(any_in_flight);
    return true;
}

} // namespace husk::x86

using husk::x86::g_count;
using husk::x86::g_devices;

extern "C" int husk_plat_block_info(unsigned dev, husk_block_info* info)
{
    if (dev >= g_count)
        return -kstd::ENODEV;
    g_devices[dev].info(*info);
    return 0;
}

extern "C" int husk_plat_block_submit(unsigned dev, husk_block_req* req)
{
    return dev < g_count ? g_devices[dev].submit(*req) : -kstd::ENODEV;
}

extern "C" size_t husk_plat_block_reap(unsigned dev, husk_block_req** done, size_t max)
{
    return dev < g_count ? g_devices[dev].reap(done, max) : 0;
}
