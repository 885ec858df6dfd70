// The Internet families (AF_INET, AF_INET6): lwIP and the inet parts of
// kernel/net and kernel/init, a component a kernel may be linked without
// (kernel/components/, docs/architecture.md "Components"). The rest of the
// kernel reaches them only through the operations the component installs at
// boot; without them the kernel answers as Linux built without CONFIG_INET:
// socket(AF_INET, ...) fails with EAFNOSUPPORT, there are no interfaces,
// routes or interface ioctls, and a configuration asking for a network is
// refused.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../kstd/StringView.h"
#include "../vfs/IoBuffer.h"
#include "InterfaceTable.h"

namespace husk {

class Socket;

struct InetOperations {
    // socket(2) for AF_INET and AF_INET6: kind is SOCK_STREAM, SOCK_DGRAM, ...
    kstd::ErrorOr<kstd::RefPtr<Socket>> (*create_socket)(int domain, int kind, int protocol, int status_flags);
    // The interface and routing ioctls (InterfaceTable::handles).
    kstd::ErrorOr<long> (*interface_ioctl)(unsigned long request, IoBuffer arg);
    size_t (*interfaces)(InterfaceView* out, size_t max);
    size_t (*ipv6_routes)(Ipv6RouteView* out, size_t max);
    size_t (*route_text)(char* buf, size_t size); // /proc/net/route
    // The configuration's "net" interfaces, at the program's start.
    kstd::ErrorOr<void> (*configure_network)();
    // syslog=udp:ADDRESS:PORT's socket, connected to the server (what is
    // wrong with it logged).
    kstd::ErrorOr<kstd::RefPtr<Socket>> (*syslog_sender)(kstd::StringView spec);
};

class Inet {
public:
    static void install(const InetOperations& operations);
    // Null when the kernel was linked without the TCP/IP stack.
    static const InetOperations* operations();
};

} // namespace husk
