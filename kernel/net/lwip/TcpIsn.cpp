// Initial sequence numbers as RFC 6528 (and Linux's secure_tcp_seq) make
// them: a keyed hash of the connection's addresses and ports plus a clock
// that advances every 4 µs. lwIP's own ISN is 6510 plus its tick count,
// which anyone can predict; a predictable ISN lets an off-path attacker
// inject data into a connection or spoof one. The key is random, made on
// first use (LWIP_HOOK_TCP_ISN, see lwipopts.h).
#include "lwip/ip_addr.h"
#include <husk/platform.h>
#include "../SipHash.h"

namespace {
uint64_t g_key[2];
bool g_keyed = false;

// The address's bytes into out; how many.
size_t put_address(uint8_t* out, const ip_addr_t* a)
{
    const uint8_t* bytes;
    size_t n;
    if (IP_IS_V6(a)) {
        bytes = reinterpret_cast<const uint8_t*>(ip_2_ip6(a)->addr);
        n = 16;
    } else {
        bytes = reinterpret_cast<const uint8_t*>(&ip_2_ip4(a)->addr);
        n = 4;
    }
    for (size_t i = 0; i < n; ++i)
        out[i] = bytes[i];
    return n;
}
} // namespace

extern "C" unsigned int husk_lwip_tcp_isn(const ip_addr_t* local_ip, unsigned short local_port,
                                          const ip_addr_t* remote_ip, unsigned short remote_port)
{
    if (!g_keyed) {
        husk_plat_random(g_key, sizeof g_key);
        g_keyed = true;
    }
    uint8_t tuple[16 + 16 + 4];
    size_t n = put_address(tuple, local_ip);
    n += put_address(tuple + n, remote_ip);
    tuple[n++] = uint8_t(local_port);
    tuple[n++] = uint8_t(local_port >> 8);
    tuple[n++] = uint8_t(remote_port);
    tuple[n++] = uint8_t(remote_port >> 8);
    uint32_t clock = uint32_t(husk_plat_clock_monotonic() / 4000); // RFC 6528's 4 µs timer
    return uint32_t(husk::siphash24(g_key, tuple, n)) + clock;
}
