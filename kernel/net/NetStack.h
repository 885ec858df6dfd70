// The TCP/IP stack (lwIP, raw API) in the kernel: its interfaces (loopback
// and the platform's Ethernet devices) and the network thread that feeds
// received frames to lwIP, delivers loopback packets and runs lwIP's
// timers. lwIP is called from kernel code only, which runs until it
// blocks: no locks around it.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class NetStack {
public:
    // Brings up lwIP, loopback and every platform interface (down until
    // configured). Idempotent.
    static void init();
    static bool is_up();
    // Some lwIP work became due (loopback packets queued, timers changed):
    // the network thread runs soon.
    static void kick();
    // Interface configuration (interfaces in platform order, 0 = first).
    static size_t interface_count();
    static kstd::ErrorOr<void> configure_static(size_t index, uint32_t address, unsigned prefix, uint32_t gateway);
    static kstd::ErrorOr<void> start_dhcp(size_t index);
    // IPv6 stateless autoconfiguration (link-local address at once).
    static kstd::ErrorOr<void> start_ipv6_auto(size_t index);
};

} // namespace husk
