// RFC 1071's ones'-complement sum and the pseudo-header sums TCP's checksum
// covers (RFC 793; RFC 8200, 8.1): what the kernel hands a device that
// completes checksums (virtio-net's NEEDS_CSUM) and what it computes itself
// where no device does.
#pragma once

#include <husk/platform.h>
#include "../kstd/Types.h"

namespace husk::checksum {

inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void put_be16(uint8_t* p, uint16_t v)
{
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

// The 16-bit big-endian words of p[0..n) added to sum, not yet folded
// (at most 128 KiB at a time).
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0);
// The carries folded back in: the ones'-complement sum.
uint16_t fold(uint32_t sum);

// A TCP segment inside an IP packet: where it starts, its length (header
// and data) and the sum of its pseudo-header.
struct TcpSegment {
    size_t offset;
    size_t length;
    uint32_t pseudo;
};
// The TCP segment of the IP packet at ip (length bytes, IPv4 or IPv6);
// false when the packet is not one whole TCP segment (another protocol, a
// fragment, IPv6 extension headers, lengths that disagree).
bool locate_tcp(const uint8_t* ip, size_t length, TcpSegment& out);

// For a device that completes checksums: when the Ethernet frame carries a
// whole TCP segment, puts its pseudo-header sum in the TCP checksum field
// and fills tx's csum_start/csum_offset; false (nothing changed) otherwise.
bool offload_tcp_checksum(uint8_t* frame, size_t length, husk_net_tx& tx);

} // namespace husk::checksum
