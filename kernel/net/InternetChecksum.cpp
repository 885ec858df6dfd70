#include "InternetChecksum.h"

namespace husk::checksum {

uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum)
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

bool locate_tcp(const uint8_t* ip, size_t length, TcpSegment& out)
{
    constexpr uint8_t kTcp = 6;
    if (length >= 20 && ip[0] >> 4 == 4) {
        size_t header = size_t(ip[0] & 0xf) * 4;
        size_t total = be16(ip + 2);
        if (ip[9] != kTcp || (be16(ip + 6) & 0x3fff) || header < 20 || total > length || header + 20 > total)
            return false;
        out = { header, total - header, sum16(ip + 12, 8) + kTcp + uint32_t(total - header) };
        return true;
    }
    if (length >= 40 && ip[0] >> 4 == 6) {
        size_t payload = be16(ip + 4);
        if (ip[6] != kTcp || 40 + payload > length || payload < 20)
            return false;
        out = { 40, payload, sum16(ip + 8, 32) + kTcp + uint32_t(payload) };
        return true;
    }
    return false;
}

bool offload_tcp_checksum(uint8_t* frame, size_t length, husk_net_tx& tx)
{
    constexpr size_t kEthernet = 14;
    TcpSegment tcp;
    uint16_t type = length > kEthernet ? be16(frame + 12) : 0;
    if ((type != 0x0800 && type != 0x86dd) || !locate_tcp(frame + kEthernet, length - kEthernet, tcp))
        return false;
    // Not complemented: the device adds the segment's bytes and complements.
    tx.csum_start = uint16_t(kEthernet + tcp.offset);
    tx.csum_offset = 16;
    put_be16(frame + tx.csum_start + tx.csum_offset, fold(tcp.pseudo));
    return true;
}

} // namespace husk::checksum
