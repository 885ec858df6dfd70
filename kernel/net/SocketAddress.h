// A socket address in kernel memory: the sockaddr bytes a program passed
// (bind, connect, sendto) or is to be given (getsockname, accept,
// recvfrom), and their length. kernel/syscall copies them in and out with
// Linux's rules; each protocol reads and writes its own family's form
// (InetAddress, UnixName).
#pragma once

#include "../kstd/Types.h"

namespace husk {

struct SocketAddress {
    static constexpr uint32_t kCapacity = 128; // Linux's sockaddr_storage
    uint8_t bytes[kCapacity] {};
    uint32_t length { 0 };

    // sa_family, or 0 (AF_UNSPEC) when too short to have one.
    uint16_t family() const
    {
        uint16_t f = 0;
        if (length >= sizeof f)
            __builtin_memcpy(&f, bytes, sizeof f);
        return f;
    }
    // The first `size` bytes from p (size <= kCapacity).
    static SocketAddress of(const void* p, uint32_t size)
    {
        SocketAddress a;
        __builtin_memcpy(a.bytes, p, size);
        a.length = size;
        return a;
    }
};

} // namespace husk
