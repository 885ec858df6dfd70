#include "TcpSegmentMerger.h"
#include "InternetChecksum.h"

namespace husk {

using namespace checksum;

namespace {

constexpr size_t kEthernet = 14;
constexpr size_t kIp = 20; // lwIP sends TCP without IP options
constexpr uint8_t kPsh = 0x08, kAck = 0x10;

// A TCP/IPv4 data segment as lwIP sends them, and where its parts are.
struct Segment {
    const uint8_t* ip = nullptr;
    const uint8_t* tcp = nullptr;
    size_t tcp_header = 0;
    size_t payload = 0;
    uint32_t seq = 0;
    uint8_t flags = 0;

    bool parse(const uint8_t* frame, size_t length)
    {
        if (length < kEthernet + kIp + 20 || be16(frame + 12) != 0x0800)
            return false;
        ip = frame + kEthernet;
        size_t total = be16(ip + 2);
        // Version 4 without options, TCP, not a fragment, no Ethernet padding.
        if (ip[0] != 0x45 || ip[9] != 6 || (be16(ip + 6) & 0x3fff) || kEthernet + total != length)
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

// Whether next has the same stream, acknowledgement, window and options as
// the lead, whose headers are at lead.
bool same_stream(const uint8_t* lead, const Segment& first, const uint8_t* frame, const Segment& next)
{
    return next.tcp_header == first.tcp_header
        && !memcmp(frame, lead, kEthernet)                          // addresses, type
        && next.ip[1] == first.ip[1] && next.ip[8] == first.ip[8] // TOS, TTL
        && next.ip[6] == first.ip[6]                                // DF
        && !memcmp(next.ip + 12, first.ip + 12, 8)                  // IP addresses
        && !memcmp(next.tcp, first.tcp, 4)                          // ports
        && !memcmp(next.tcp + 8, first.tcp + 8, 4)                  // acknowledgement
        && !memcmp(next.tcp + 14, first.tcp + 14, 2)                // window
        && !memcmp(next.tcp + 20, first.tcp + 20, first.tcp_header - 20); // options
}

} // namespace

bool TcpSegmentMerger::begin(const uint8_t* lead, size_t length)
{
    Segment s;
    m_segments = 0;
    m_out = nullptr;
    if (!s.parse(lead, length))
        return false;
    m_lead = lead;
    m_length = length;
    m_headers = kEthernet + kIp + s.tcp_header;
    m_payload = m_last_payload = m_total = s.payload;
    m_next_seq = s.seq + uint32_t(s.payload);
    m_psh = s.flags & kPsh;
    m_segments = 1;
    return true;
}

bool TcpSegmentMerger::accepts(const uint8_t* frame, size_t length) const
{
    Segment first, next;
    const uint8_t* lead = m_out ? m_out : m_lead;
    // Every segment but the last carries exactly the lead's payload size
    // (the device cuts at that size); a smaller one ends the merge.
    if (!m_segments || m_last_payload != m_payload || !next.parse(frame, length) || next.payload > m_payload
        || next.seq != m_next_seq || m_headers + m_total + next.payload > kMaxFrame)
        return false;
    first.ip = lead + kEthernet;
    first.tcp = first.ip + kIp;
    first.tcp_header = m_headers - kEthernet - kIp;
    return same_stream(lead, first, frame, next);
}

void TcpSegmentMerger::build_in(uint8_t* out)
{
    memcpy(out, m_lead, m_length);
    m_out = out;
    m_lead = nullptr;
}

void TcpSegmentMerger::append(const uint8_t* frame, size_t length)
{
    Segment s;
    s.parse(frame, length);
    memcpy(m_out + m_length, s.tcp + s.tcp_header, s.payload);
    m_length += s.payload;
    m_total += s.payload;
    m_last_payload = s.payload;
    m_next_seq += uint32_t(s.payload);
    m_psh |= s.flags & kPsh;
    ++m_segments;
}

size_t TcpSegmentMerger::finish(husk_net_tx& tx)
{
    tx = {};
    uint8_t* ip = m_out + kEthernet;
    put_be16(ip + 2, uint16_t(m_length - kEthernet));
    put_be16(ip + 10, 0);
    put_be16(ip + 10, uint16_t(~fold(sum16(ip, kIp))));
    ip[kIp + 13] |= m_psh; // TCP flags
    offload_tcp_checksum(m_out, m_length, tx); // a merge is a TCP/IPv4 segment (begin checked)
    if (m_segments > 1) {
        tx.gso_size = uint16_t(m_payload);
        tx.hdr_len = uint16_t(m_headers);
    }
    return m_length;
}

} // namespace husk
