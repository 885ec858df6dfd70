// Registry of network interfaces for the network hypercalls.
#pragma once

namespace husk::x86 {

class VirtioTransport;

class NetDevices {
public:
    static constexpr unsigned kMax = 4;
    // Drives the device behind transport as the next vioifN; false on failure.
    static bool add(VirtioTransport& transport);
    // Before the machine stops: waits, at most timeout_ns, until every
    // device has sent the frames it was given (a program's last datagrams,
    // a syslog line) — QEMU drops what is still in a ring when it exits.
    static void drain(uint64_t timeout_ns);
};

} // namespace husk::x86
