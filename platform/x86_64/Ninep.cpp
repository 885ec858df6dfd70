// The 9P hypercalls over the virtio-9p devices found at boot, in the order
// the machine announced them.
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "DeviceSlots.h"
#include "Events.h"
#include "Ninep.h"
#include "Virtio9p.h"

namespace husk::x86 {

namespace {
[[gnu::section(".bss.noinit")]] DeviceSlots<Virtio9p, NinepChannels::kMax> g_channels;
unsigned g_count;

bool any_in_flight()
{
    for (unsigned i = 0; i < g_count; ++i)
        if (g_channels[i].in_flight())
            return true;
    return false;
}
} // namespace

bool NinepChannels::add(VirtioTransport& transport)
{
    if (g_count == kMax || !g_channels.make(g_count).init(transport))
        return false;
    if (g_count++ == 0)
        Events::add_source(any_in_flight);
    return true;
}

} // namespace husk::x86

using husk::x86::g_channels;
using husk::x86::g_count;

extern "C" int husk_plat_9p_info(unsigned dev, husk_9p_info* info)
{
    if (dev >= g_count)
        return -kstd::ENODEV;
    g_channels[dev].info(*info);
    return 0;
}

extern "C" int husk_plat_9p_submit(unsigned dev, husk_9p_req* req)
{
    return dev < g_count ? g_channels[dev].submit(*req) : -kstd::ENODEV;
}

extern "C" size_t husk_plat_9p_reap(unsigned dev, husk_9p_req** done, size_t max)
{
    return dev < g_count ? g_channels[dev].reap(done, max) : 0;
}
