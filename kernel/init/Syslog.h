// /dev/log, the socket syslog(3) writes to (musl and glibc send one
// datagram per message: "<PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE"). The
// kernel binds it at boot and reads each message as it is sent: it goes to
// the kernel's log stream (husk run -v shows it; a background guest's log
// keeps it) as "<facility.priority> TAG[PID]: MESSAGE", and with
// syslog=udp:ADDRESS:PORT (husk run --syslog) to that syslog server too,
// as an RFC 5424 datagram from the guest's network.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class Syslog {
public:
    // Makes /dev/log (at boot, once /dev exists): devfs binds it when a
    // program first looks for it.
    static kstd::ErrorOr<void> install();
    // Forwards messages as syslog= says, once the network is configured
    // (nothing without the word). EINVAL for a malformed value,
    // ENETUNREACH without a network interface (both logged).
    static kstd::ErrorOr<void> start_forwarding();
};

} // namespace husk
