// syslog=udp:ADDRESS:PORT's socket (Syslog forwards /dev/log's messages
// through it): part of the TCP/IP component (net/Inet.h).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/StringView.h"
#include "../net/Socket.h"

namespace husk {

class SyslogSender {
public:
    // A UDP socket connected to the server, once the way to it is known.
    // EINVAL for a malformed value, ENETUNREACH without a network
    // interface (both logged).
    static kstd::ErrorOr<kstd::RefPtr<Socket>> open(kstd::StringView spec);
};

} // namespace husk
