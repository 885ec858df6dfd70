// The IPPROTO_IP, IPPROTO_IPV6 and IPPROTO_TCP options of an Internet
// socket that servers set (Debian's nginx, haproxy, unbound, redis,
// memcached, ...) and read back: each is checked and stored with Linux's
// rules (ranges, EINVAL, the rounding Linux applies: TCP_DEFER_ACCEPT's
// retransmission steps, IP_TOS without the ECN bits on a stream) and
// getsockopt returns what Linux would. The socket enacts those lwIP can
// (IP_TOS, IP_TTL, keepalive timing: TcpSocket, UdpSocket); the others are
// recorded only (docs/networking.md lists which). Options not in the table
// go on to the caller, which answers ENOPROTOOPT as Linux does.
#pragma once

#include "../kstd/ErrorOr.h"
#include <stdint.h>

namespace husk {

class InetOptions {
public:
    InetOptions(int family, bool stream) : m_family(family), m_stream(stream) {}
    // Where the socket is: some options are for one state only.
    enum class State { Closed, Listening, Connected };

    // Whether the table has (level, name) for this socket; set stores the
    // value as Linux would (or fails with Linux's errno).
    bool has(int level, int name) const;
    kstd::ErrorOr<void> set(int level, int name, const void* value, uint32_t length, State state);
    int get(int level, int name) const;
    static constexpr int kSlots = 40; // the options in the table, at most 64

private:
    int index(int level, int name) const;
    int m_family;
    bool m_stream;
    uint64_t m_set { 0 }; // which slots hold a value (else the default)
    int m_values[kSlots] {};
};

} // namespace husk
