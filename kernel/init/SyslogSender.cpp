#include "SyslogSender.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../net/NetStack.h"
#include "../net/UdpSocket.h"
#include "BootNetwork.h"

namespace husk {

using kstd::StringView;

kstd::ErrorOr<kstd::RefPtr<Socket>> SyslogSender::open(StringView spec)
{
    // udp:ADDRESS:PORT
    long colon = spec.starts_with("udp:") ? spec.substring(4).find(':') : -1;
    uint32_t address = 0;
    unsigned long port = 0;
    if (colon > 0) {
        StringView digits = spec.substring(4 + size_t(colon) + 1);
        for (size_t i = 0; i < digits.length() && port <= 65535; ++i)
            port = digits[i] >= '0' && digits[i] <= '9' ? port * 10 + unsigned(digits[i] - '0') : 65536;
        if (digits.is_empty() || !BootNetwork::ipv4_address(spec.substring(4, size_t(colon)), address))
            port = 0;
    }
    if (!port || port > 65535) {
        klog(LogLevel::Error, "syslog: syslog=%.*s: expected udp:ADDRESS:PORT (an IPv4 address)", int(spec.length()),
             spec.data());
        return kstd::err(kstd::EINVAL);
    }
    if (!NetStack::is_up() || NetStack::interface_count() == 0) {
        klog(LogLevel::Error, "syslog: syslog=%.*s: no network interface to send from (husk run -n)", int(spec.length()),
             spec.data());
        return kstd::err(kstd::ENETUNREACH);
    }
    kstd::RefPtr<Socket> socket = TRY(UdpSocket::create(linux::AF_INET, 0));
    linux::sockaddr_in to { linux::AF_INET, uint16_t(__builtin_bswap16(uint16_t(port))), address, {} };
    TRY(socket->connect(SocketAddress::of(&to, sizeof to)));
    // The server's link address first: a program that logs and exits at
    // once would otherwise stop the machine while its lines wait for ARP.
    if (!NetStack::resolve_next_hop(address, husk_plat_clock_monotonic() + 2000000000ull))
        klog(LogLevel::Warning, "syslog: no answer to ARP for the way to %.*s yet; lines may wait for it",
             int(spec.length()), spec.data());
    return socket;
}

} // namespace husk
