// The network interfaces as Linux programs see them: the SIOC* interface
// ioctls of ifconfig and friends (names, indices, flags, addresses,
// netmasks, MTU, hardware addresses; setting addresses, flags and the
// default route) and /proc/net/route. Interfaces are lwIP's: "lo" (index
// 1, as on Linux) and the platform's Ethernet devices after it.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"
#include "../vfs/IoBuffer.h"

namespace husk {

class InterfaceTable {
public:
    // Whether request is an interface or routing ioctl (0x89xx).
    static bool handles(unsigned long request) { return (request & ~0xffUL) == 0x8900; }
    static kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg);
    // /proc/net/route's text (Linux's format); its length (truncated at size).
    static size_t route_text(char* buf, size_t size);
};

} // namespace husk
