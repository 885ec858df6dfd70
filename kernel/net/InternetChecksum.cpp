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

bool locate_tcp(const uint8_t* ip, size_t length, size_t& tcp_offset, uint32_t& pseudo)
{
    constexpr uint8_t kTcp = 6;
    if (length >= 20 && ip[0] >> 4 == 4) {
        size_t header = size_t(ip[0] & 0xf) * 4;
        size_t total = be16(ip + 2);
        if (ip[9] != kTcp || (be16(ip + 6) & 0x3fff) || header < 20 || total > length || header + 20 > total)
            return false;
        tcp_offset = header;
        pseudo = sum16(ip + 12, 8) + kTcp + uint32_t(total - header);
        return true;
    }
    if (length >= 40 && ip[0] >> 4 == 6) {
        size_t payload = be16(ip + 4);
        if (ip[6] != kTcp || 40 + payload > length || payload < 20)
            return false;
        tcp_offset = 40;
        pseudo = sum16(ip + 8, 32) + kTcp + uint32_t(payload);
        return true;
    }
    return false;
}

} // namespace husk::checksum
