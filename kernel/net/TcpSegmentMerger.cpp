#include "TcpSegmentMerger.h"

namespace husk {

namespace {

constexpr size_t kEthernet = 14;
constexpr size_t kIp = 20; // lwIP sends TCP without IP options
constexpr uint8_t kPsh = 0x08, kAck = 0x10;

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put_be16(uint8_t* p, uint16_t v)
{
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += be16(p + i);
    if (n & 1)
        sum += uint32_t(p[n - 1]) << 8;
    return sum;
}

uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(sum);
}

// A TCP/IPv4 data segment as lwIP sends them, and where its parts are.
struct Segment {
    const uint8_t* ip = nullptr;
    const uint8_t* tcp = nullptr;
    size_t tcp_header = 0;
    size_t payload = 0;
    uint32_t seq = 0;
    uint8_t flags = 0;

    bool parse(const TcpSegmentMerger::Frame& f)
    {
        if (f.length < kEthernet + kIp + 20 || be16(f.data + 12) != 0x0800)
            return false;
        ip = f.data + kEthernet;
        size_t total = be16(ip + 2);
        // Version 4 without options, TCP, not a fragment, no Ethernet padding.
        if (ip[0] != 0x45 || ip[9] != 6 || (be16(ip + 6) & 0x3fff) || kEthernet + total != f.length)
            return false;
        tcp = ip + kIp;
        tcp_header = size_t(tcp[12] >> 4) * 4;
        if (tcp_header < 20 || kIp + tcp_header >= total)
            return false; // no payload: nothing to merge
        payload = total - kIp - tcp_header;
        seq = be32(tcp + 4);
        flags = tcp[13];
        // Plain data: ACK, perhaps PSH; no SYN, FIN, RST, URG (nor ECN bits).
        return (flags & ~kPsh) == kAck;
    }
};

// Whether next continues first's stream right after prev.
bool continues(const Segment& first, const Segment& prev, const Segment& next, const TcpSegmentMerger::Frame& f0,
               const TcpSegmentMerger::Frame& f)
{
    return next.tcp_header == first.tcp_header && next.seq == prev.seq + uint32_t(prev.payload)
        && !memcmp(f.data, f0.data, kEthernet)                 // addresses, type
        && next.ip[1] == first.ip[1] && next.ip[8] == first.ip[8] // TOS, TTL
        && next.ip[6] == first.ip[6]                            // DF
        && !memcmp(next.ip + 12, first.ip + 12, 8)              // IP addresses
        && !memcmp(next.tcp, first.tcp, 4)                      // ports
        && !memcmp(next.tcp + 8, first.tcp + 8, 4)              // acknowledgement
        && !memcmp(next.tcp + 14, first.tcp + 14, 2)            // window
        && !memcmp(next.tcp + 20, first.tcp + 20, first.tcp_header - 20); // options
}

} // namespace

size_t TcpSegmentMerger::mergeable(const Frame* frames, size_t count)
{
    Segment first, prev;
    if (count < 2 || !first.parse(frames[0]))
        return 1;
    size_t limit = kMaxFrame - kEthernet - kIp - first.tcp_header; // payload bytes
    size_t total = first.payload, n = 1;
    prev = first;
    // Every segment but the last carries exactly the first's payload size
    // (the device cuts at that size); a smaller one ends the merge.
    while (n < count && prev.payload == first.payload) {
        Segment next;
        if (!next.parse(frames[n]) || next.payload > first.payload || total + next.payload > limit
            || !continues(first, prev, next, frames[0], frames[n]))
            break;
        total += next.payload;
        prev = next;
        ++n;
    }
    return n;
}

size_t TcpSegmentMerger::merge(const Frame* frames, size_t n, uint8_t* out, husk_net_tx& tx)
{
    Segment first;
    first.parse(frames[0]);
    size_t headers = kEthernet + kIp + first.tcp_header;
    memcpy(out, frames[0].data, headers);
    size_t length = headers;
    uint8_t flags = first.flags;
    for (size_t i = 0; i < n; ++i) {
        Segment s;
        s.parse(frames[i]);
        memcpy(out + length, s.tcp + s.tcp_header, s.payload);
        length += s.payload;
        flags |= s.flags & kPsh;
    }
    uint8_t* ip = out + kEthernet;
    uint8_t* tcp = ip + kIp;
    size_t tcp_length = length - kEthernet - kIp;
    put_be16(ip + 2, uint16_t(length - kEthernet));
    put_be16(ip + 10, 0);
    put_be16(ip + 10, uint16_t(~fold(sum16(ip, kIp))));
    tcp[13] = flags;
    // The pseudo-header sum (addresses, protocol, TCP length), not
    // complemented: the device adds the segment's bytes and complements.
    uint32_t pseudo = sum16(ip + 12, 8) + 6 + uint32_t(tcp_length);
    put_be16(tcp + 16, fold(pseudo));
    tx.csum_start = uint16_t(kEthernet + kIp);
    tx.csum_offset = 16;
    tx.gso_size = uint16_t(first.payload);
    tx.hdr_len = uint16_t(headers);
    return length;
}

} // namespace husk
