// The TCP/IP stack (lwIP, raw API) in the kernel: its interfaces (loopback
// and the platform's Ethernet devices) and the network thread that feeds
// received frames to lwIP, delivers loopback packets and runs lwIP's
// timers. lwIP is called from kernel code only, which runs until it
// blocks: no locks around it.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"

namespace husk {

class NetStack {
public:
    static constexpr size_t kMaxInterfaces = 8;
    static constexpr size_t kMaxTransmitQueue = 512; // frames an interface holds for its device; Linux's txqueuelen is 1000
    // Brings up lwIP, loopback and every platform interface (down until
    // configured). Idempotent.
    static void init();
    // Each Ethernet interface's transmit backlog in frames (the boot's
    // txqueuelen=, as Linux's), for interfaces init() has not yet added;
    // false (nothing changed) outside 2..kMaxTransmitQueue.
    static bool set_transmit_queue_length(size_t frames);
    static bool is_up();
    // Some lwIP work became due (loopback packets queued, timers changed):
    // the network thread runs soon.
    static void kick();
    // Delivers the packets sockets sent to their own host (127.0.0.1, ::1,
    // an interface's own address) and the answers they make, before the
    // sending call returns, as Linux's loopback does: a datagram is queued
    // at its receiver when sendto returns, a local connect is established.
    // Does nothing inside lwIP's own processing (a callback).
    static void deliver_loopback();
    // Hands every interface's waiting frames to its device (as far as it
    // has room); see TransmitBatch.
    static void transmit_pending();
    // Interface configuration (interfaces in platform order, 0 = first).
    static size_t interface_count();
    static kstd::ErrorOr<void> configure_static(size_t index, uint32_t address, unsigned prefix, uint32_t gateway);
    static kstd::ErrorOr<void> start_dhcp(size_t index);
    // IPv6 stateless autoconfiguration (link-local address at once).
    static kstd::ErrorOr<void> start_ipv6_auto(size_t index);

    // The interface the platform calls name (vioif0, ...); ENODEV if none.
    static kstd::ErrorOr<size_t> find_interface(kstd::StringView name);
    static const char* interface_name(size_t index);
    // An interface's IPv4 configuration, network byte order (0: none).
    struct Ipv4 {
        uint32_t address, netmask, gateway;
    };
    static Ipv4 ipv4(size_t index);
    // Sleeps until the interface has an IPv4 address (DHCP bound it) or
    // until deadline (monotonic ns); whether it has one.
    static bool wait_for_ipv4(size_t index, uint64_t deadline);
    // Sleeps until the interface has a usable IPv6 address beyond its
    // link-local one (SLAAC from a router advertisement, after duplicate
    // address detection) or until deadline; whether it has one.
    static bool wait_for_ipv6_global(size_t index, uint64_t deadline);
    // Sleeps until the link-layer address of the next hop toward an IPv4
    // address (network order) is known (ARP), asking once, or until
    // deadline; whether it is. A sender whose datagrams must not wait in
    // ARP's queue when the machine stops (the syslog forwarder) asks first.
    static bool resolve_next_hop(uint32_t address, uint64_t deadline);
    // The DNS servers DHCP named (network order); how many, at most max.
    static size_t dns_servers(uint32_t* out, size_t max);
    // Writes "ADDR" of an interface's IPv6 address i (empty when none).
    static bool ipv6_address(size_t index, size_t i, char* text, size_t size);
};

} // namespace husk
