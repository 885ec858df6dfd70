// The network configuration the unikernel's program starts with: rumprun's
// "net" key of husk.json (an object or an array of objects, one per
// interface and address family), written by `husk run -n/-W`:
//   {"if":"vioif0","type":"inet","method":"static","addr":"10.0.2.15","mask":"24","gw":"10.0.2.2"}
//   {"if":"vioif0","type":"inet","method":"dhcp"}
//   {"if":"vioif0","type":"inet6","method":"auto"}
// Each configured address is announced on the console; DHCP's DNS servers
// join /etc/resolv.conf.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"

namespace husk {

class BootNetwork {
public:
    // Configures every entry, waiting for DHCP leases (dhcp_timeout=
    // seconds, default 15). An error names the entry and the problem.
    static kstd::ErrorOr<void> configure_all();
    // Dotted-quad IPv4 text in network byte order (false: not one).
    static bool ipv4_address(kstd::StringView text, uint32_t& out);
};

} // namespace husk
