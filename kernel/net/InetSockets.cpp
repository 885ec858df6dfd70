#include "InetSockets.h"
#include "../abi/Linux.h"
#include "TcpSocket.h"
#include "UdpSocket.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

kstd::ErrorOr<kstd::RefPtr<Socket>> InetSockets::create(int domain, int kind, int protocol, int status_flags)
{
    if (kind == SOCK_STREAM) {
        if (protocol != 0 && protocol != IPPROTO_TCP)
            return kstd::err(EPROTONOSUPPORT);
        return TcpSocket::create(domain, status_flags);
    }
    if (kind == SOCK_DGRAM) {
        if (protocol != 0 && protocol != IPPROTO_UDP)
            return kstd::err(EPROTONOSUPPORT);
        return UdpSocket::create(domain, status_flags);
    }
    return kstd::err(EINVAL);
}

} // namespace husk
