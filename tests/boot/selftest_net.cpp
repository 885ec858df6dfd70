// Network device tests through the platform's frame calls (the kernel's
// TCP/IP stack comes later): frames between two interfaces on one QEMU hub
// (net-pair), and ARP plus ICMP echo with QEMU's user-mode network, a
// real peer outside the guest (net-slirp). Receiving waits for the
// device's interrupt (HUSK_EVENT_NET), never polls.
#include "core/Scheduler.h"
#include "core/WaitQueue.h"
#include "kstd/Errno.h"
#include "Selftest.h"

namespace husk::selftest {

namespace {
WaitQueue g_net_events;
uint32_t g_net_interrupts;

void on_events(uint32_t events)
{
    if (events & HUSK_EVENT_NET) {
        ++g_net_interrupts;
        g_net_events.wake_all();
    }
}

void listen_for_frames()
{
    static bool added;
    if (!added)
        Scheduler::add_event_handler(on_events);
    added = true;
}

// The next frame on `dev` within `timeout_ms`, or its error (-EAGAIN: none came).
long receive(unsigned dev, uint8_t* buf, size_t len, uint64_t timeout_ms)
{
    uint64_t deadline = now() + timeout_ms * kMs;
    for (;;) {
        long n = husk_plat_net_recv(dev, buf, len);
        if (n != -kstd::EAGAIN || now() >= deadline)
            return n;
        g_net_events.wait(deadline);
    }
}

// Sends, waiting for transmit buffers to come back when all are in use.
int send(unsigned dev, const uint8_t* frame, size_t len)
{
    uint64_t deadline = now() + 2000 * kMs;
    int r;
    void* room = nullptr;
    while ((r = husk_plat_net_reserve(dev, len, &room)) == -kstd::EAGAIN && now() < deadline)
        Scheduler::sleep_until(now() + kMs);
    if (r != 0)
        return r;
    memcpy(room, frame, len);
    return husk_plat_net_commit(dev, len, nullptr);
}

// A reservation committed as `len` bytes with `tx`: commit's result.
int commit_reserved(unsigned dev, size_t len, const husk_net_tx* tx)
{
    void* room = nullptr;
    int r = husk_plat_net_reserve(dev, 1514, &room);
    return r != 0 ? r : husk_plat_net_commit(dev, len, tx);
}

void put16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8), p[1] = uint8_t(v); }
uint16_t get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

uint8_t pattern(size_t frame, size_t i) { return uint8_t(frame * 31 + i * 7 + (i >> 8)); }

// Frame `seq` from `src` to `dst`: Ethernet header, the local experimental
// ethertype, a sequence number, then a pattern; 60..1514 bytes.
size_t make_frame(uint8_t* f, const uint8_t* dst, const uint8_t* src, uint32_t seq)
{
    size_t len = 60 + (seq * 97u) % 1455u;
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, 0x88b5);
    memcpy(f + 14, &seq, 4);
    for (size_t i = 18; i < len; ++i)
        f[i] = pattern(seq, i);
    return len;
}

bool frame_ok(const uint8_t* f, long len, const uint8_t* src, uint32_t seq)
{
    uint32_t got;
    memcpy(&got, f + 14, 4);
    if (len < 60 || get16(f + 12) != 0x88b5 || memcmp(f + 6, src, 6) != 0 || got != seq)
        return false;
    size_t want = 60 + (seq * 97u) % 1455u;
    if (size_t(len) != want)
        return false;
    for (size_t i = 18; i < want; ++i)
        if (f[i] != pattern(seq, i))
            return false;
    return true;
}

// One direction of the pair test: `count` frames, each received in order
// and intact on the other interface.
void stream(unsigned from, unsigned to, const husk_net_info* info, uint32_t count)
{
    static uint8_t out[1514], in[2048];
    uint32_t bad = 0;
    for (uint32_t seq = 0; seq < count && !bad; ++seq) {
        size_t len = make_frame(out, info[to].mac, info[from].mac, seq);
        int r = send(from, out, len);
        CHECK(r == 0, "send of frame %u (%zu bytes) on dev %u: %d", seq, len, from, r);
        long n = receive(to, in, sizeof in, 2000);
        if (n < 0 || !frame_ok(in, n, info[from].mac, seq)) {
            ++bad;
            CHECK(false, "frame %u from dev %u to dev %u: got %ld bytes", seq, from, to, n);
        }
    }
}
} // namespace

int test_net_pair()
{
    listen_for_frames();
    husk_net_info info[2] = {};
    CHECK(husk_plat_net_info(0, &info[0]) == 0 && husk_plat_net_info(1, &info[1]) == 0,
          "two network interfaces expected");
    CHECK(husk_plat_net_info(2, &info[0]) == -kstd::ENODEV, "a third interface");
    if (g_failures)
        return 1;
    say("selftest: %s %02x:%02x:%02x:%02x:%02x:%02x mtu %u, %s\n", info[0].name, info[0].mac[0], info[0].mac[1],
        info[0].mac[2], info[0].mac[3], info[0].mac[4], info[0].mac[5], info[0].mtu, info[1].name);
    static uint8_t f[1600];
    void* room = nullptr;
    CHECK(info[0].max_frame == 1514, "max_frame %u", info[0].max_frame);
    CHECK(husk_plat_net_reserve(0, 1515, &room) == -kstd::EINVAL, "room for a 1515-byte frame");
    CHECK(husk_plat_net_commit(0, 100, nullptr) == -kstd::EINVAL, "a commit without a reservation");
    CHECK(commit_reserved(0, 13, nullptr) == -kstd::EINVAL, "13-byte frame accepted");
    CHECK(commit_reserved(0, 1515, nullptr) == -kstd::EINVAL, "1515 bytes committed from room for 1514");
    // This pair's backend (a QEMU hub) offers no offloads: asking for one is refused.
    husk_net_tx csum { 34, 16, 0, 0 }, tso { 34, 16, 1448, 54 };
    CHECK(info[0].offloads == 0, "offloads %#x from a hub backend", info[0].offloads);
    CHECK(commit_reserved(0, 100, &csum) == -kstd::EINVAL, "checksum offload accepted where not offered");
    CHECK(commit_reserved(0, 1514, &tso) == -kstd::EINVAL, "TSO accepted where not offered");
    // Room given back (a commit of 0 bytes, a second reservation) is not
    // lost: many times the ring's size of it, and frames still go out.
    for (int i = 0; i < 600; ++i) {
        CHECK(commit_reserved(0, 0, nullptr) == 0, "giving room back");
        CHECK(husk_plat_net_reserve(0, 60, &room) == 0, "reservation %d", i);
    }
    CHECK(husk_plat_net_commit(0, 0, nullptr) == 0, "giving room back");

    // Many times round both rings, both ways, every frame size class.
    stream(0, 1, info, 300);
    stream(1, 0, info, 100);

    // A buffer too small keeps the frame for the next, larger one.
    size_t len = make_frame(f, info[1].mac, info[0].mac, 7);
    CHECK(send(0, f, len) == 0, "send");
    uint8_t small[32];
    uint64_t deadline = now() + 2000 * kMs;
    long n;
    while ((n = husk_plat_net_recv(1, small, sizeof small)) == -kstd::EAGAIN && now() < deadline)
        g_net_events.wait(deadline);
    CHECK(n == -kstd::EMSGSIZE, "recv into 32 bytes of a %zu-byte frame: %ld", len, n);
    n = husk_plat_net_recv(1, f, sizeof f);
    CHECK(n == long(len) && frame_ok(f, n, info[0].mac, 7), "the kept frame: %ld bytes", n);
    CHECK(husk_plat_net_recv(1, f, sizeof f) == -kstd::EAGAIN, "a frame nobody sent");
    // Frames may all have been waiting before each recv (the device is
    // quick): the interrupts they raised are latched until the idle loop
    // runs. Let it run once, then some must have been seen.
    if (!g_net_interrupts)
        g_net_events.wait(now() + 200 * kMs);
    CHECK(g_net_interrupts > 0, "no network interrupt seen");
    if (g_failures)
        return 1;
    say("selftest: network pair ok (%u interrupts)\n", g_net_interrupts);
    say("SUCCESS\n");
    return 0;
}

namespace {
// QEMU's user-mode network: the guest is 10.0.2.15, the gateway 10.0.2.2.
constexpr uint8_t kGuestIp[4] = { 10, 0, 2, 15 }, kGatewayIp[4] = { 10, 0, 2, 2 };

uint16_t ip_checksum(const uint8_t* p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += uint32_t(p[len - 1]) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

// Waits for a frame of `ethertype`, skipping others (the network may send
// its own, e.g. IPv6 router advertisements).
long receive_type(uint8_t* buf, size_t len, uint16_t ethertype)
{
    uint64_t deadline = now() + 3000 * kMs;
    for (;;) {
        long n = receive(0, buf, len, (deadline - now()) / kMs + 1);
        if (n < 0 || (n >= 14 && get16(buf + 12) == ethertype) || now() >= deadline)
            return n;
    }
}
} // namespace

int test_net_slirp()
{
    listen_for_frames();
    husk_net_info info = {};
    CHECK(husk_plat_net_info(0, &info) == 0, "no network interface");
    if (g_failures)
        return 1;
    static uint8_t f[1514], in[2048];

    // ARP: who has 10.0.2.2?
    memset(f, 0xff, 6);
    memcpy(f + 6, info.mac, 6);
    put16(f + 12, 0x0806);
    uint8_t* arp = f + 14;
    put16(arp, 1), put16(arp + 2, 0x0800), arp[4] = 6, arp[5] = 4, put16(arp + 6, 1);
    memcpy(arp + 8, info.mac, 6), memcpy(arp + 14, kGuestIp, 4);
    memset(arp + 18, 0, 6), memcpy(arp + 24, kGatewayIp, 4);
    CHECK(send(0, f, 60) == 0, "ARP request");
    long n = receive_type(in, sizeof in, 0x0806);
    const uint8_t* reply = in + 14;
    CHECK(n >= 42 && get16(reply + 6) == 2 && memcmp(reply + 14, kGatewayIp, 4) == 0
              && memcmp(reply + 24, kGuestIp, 4) == 0 && memcmp(in, info.mac, 6) == 0,
          "no ARP reply from 10.0.2.2 (%ld)", n);
    if (g_failures)
        return 1;
    uint8_t gateway_mac[6];
    memcpy(gateway_mac, reply + 8, 6);
    say("selftest: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gateway_mac[0], gateway_mac[1], gateway_mac[2],
        gateway_mac[3], gateway_mac[4], gateway_mac[5]);

    // ICMP echo with 1000 bytes of payload: the reply must carry it back.
    constexpr size_t kPayload = 1000, kIcmp = 8 + kPayload, kIp = 20 + kIcmp;
    memcpy(f, gateway_mac, 6);
    memcpy(f + 6, info.mac, 6);
    put16(f + 12, 0x0800);
    uint8_t* ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45, put16(ip + 2, kIp), put16(ip + 4, 0x4242), ip[8] = 64, ip[9] = 1;
    memcpy(ip + 12, kGuestIp, 4), memcpy(ip + 16, kGatewayIp, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    uint8_t* icmp = ip + 20;
    icmp[0] = 8, icmp[1] = 0, put16(icmp + 2, 0), put16(icmp + 4, 0x4855), put16(icmp + 6, 1);
    for (size_t i = 0; i < kPayload; ++i)
        icmp[8 + i] = pattern(3, i);
    put16(icmp + 2, ip_checksum(icmp, kIcmp));
    CHECK(send(0, f, 14 + kIp) == 0, "ICMP echo request");
    n = receive_type(in, sizeof in, 0x0800);
    const uint8_t* rip = in + 14;
    const uint8_t* ricmp = rip + 20;
    bool echoed = n >= long(14 + kIp) && rip[9] == 1 && memcmp(rip + 12, kGatewayIp, 4) == 0 && ricmp[0] == 0
                  && get16(ricmp + 4) == 0x4855 && ip_checksum(ricmp, kIcmp) == 0;
    for (size_t i = 0; echoed && i < kPayload; ++i)
        echoed = ricmp[8 + i] == pattern(3, i);
    CHECK(echoed, "no intact ICMP echo reply from 10.0.2.2 (%ld bytes)", n);
    if (g_failures)
        return 1;
    say("selftest: user-mode network ok (ARP, %zu-byte ICMP echo)\n", kPayload);
    say("SUCCESS\n");
    return 0;
}

} // namespace husk::selftest
