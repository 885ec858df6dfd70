// The minimal kernel's images (--kernel minimal) have no virtio-net or
// virtio-9p driver: the kernel has neither TCP/IP nor 9P to use them, so
// such a device is reported as not usable and left alone.
#include <stdint.h>
#include "Net.h"
#include "Ninep.h"

namespace husk::x86 {

bool NetDevices::add(VirtioTransport&) { return false; }

void NetDevices::drain(uint64_t) {}

bool NinepChannels::add(VirtioTransport&) { return false; }

} // namespace husk::x86
