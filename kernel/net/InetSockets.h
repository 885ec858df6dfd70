// socket(2) for AF_INET and AF_INET6: TCP for SOCK_STREAM, UDP for
// SOCK_DGRAM (Inet's create_socket).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "Socket.h"

namespace husk {

class InetSockets {
public:
    static kstd::ErrorOr<kstd::RefPtr<Socket>> create(int domain, int kind, int protocol, int status_flags);
};

} // namespace husk
