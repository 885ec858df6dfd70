// TcpSegmentMerger: which segments merge into one TSO frame, and whether the
// frame a device would cut up again carries exactly what they did.
#include "net/TcpSegmentMerger.h"
#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using husk::TcpSegmentMerger;

namespace {

using Bytes = std::vector<uint8_t>;

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
void put16(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

uint32_t sum(const uint8_t* p, size_t n, uint32_t s = 0)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += be16(p + i);
    if (n & 1)
        s += uint32_t(p[n - 1]) << 8;
    return s;
}
uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return uint16_t(s);
}

// The TCP checksum of a complete frame, computed from scratch.
uint16_t tcp_checksum(const Bytes& f)
{
    const uint8_t* ip = f.data() + 14;
    size_t tcp_length = be16(ip + 2) - 20;
    Bytes segment(ip + 20, ip + 20 + tcp_length);
    put16(segment.data() + 16, 0);
    uint32_t pseudo = sum(ip + 12, 8) + 6 + uint32_t(tcp_length);
    return uint16_t(~fold(sum(segment.data(), segment.size(), pseudo)));
}

struct Options {
    uint32_t seq = 1000;
    size_t payload = 1460;
    uint8_t flags = 0x10; // ACK
    uint16_t src_port = 80;
    uint32_t ack = 777;
    uint16_t window = 5000;
    uint16_t ip_id = 1;
};

// A frame as lwIP sends it: checksums complete, payload bytes from seq.
Bytes segment(const Options& o)
{
    Bytes f(14 + 20 + 20 + o.payload);
    const uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 }, src[6] = { 2, 0, 0, 0, 0, 2 };
    memcpy(f.data(), dst, 6);
    memcpy(f.data() + 6, src, 6);
    put16(f.data() + 12, 0x0800);
    uint8_t* ip = f.data() + 14;
    ip[0] = 0x45;
    put16(ip + 2, uint32_t(20 + 20 + o.payload));
    put16(ip + 4, o.ip_id);
    ip[8] = 255;
    ip[9] = 6;
    const uint8_t addresses[8] = { 10, 0, 2, 15, 10, 0, 2, 2 };
    memcpy(ip + 12, addresses, 8);
    put16(ip + 10, uint16_t(~fold(sum(ip, 20))));
    uint8_t* tcp = ip + 20;
    put16(tcp, o.src_port);
    put16(tcp + 2, 40000);
    put32(tcp + 4, o.seq);
    put32(tcp + 8, o.ack);
    tcp[12] = 5 << 4;
    tcp[13] = o.flags;
    put16(tcp + 14, o.window);
    for (size_t i = 0; i < o.payload; ++i)
        tcp[20 + i] = uint8_t((o.seq + i) * 7 + 3);
    put16(tcp + 16, tcp_checksum(f));
    return f;
}

// A stream of count full segments from seq 1000, with per-segment tweaks.
std::vector<Bytes> stream(size_t count, void (*tweak)(size_t, Options&) = nullptr)
{
    std::vector<Bytes> frames;
    Options o;
    for (size_t i = 0; i < count; ++i) {
        Options here = o;
        here.ip_id = uint16_t(1 + i);
        if (tweak)
            tweak(i, here);
        frames.push_back(segment(here));
        o.seq = here.seq + uint32_t(here.payload);
    }
    return frames;
}

// Merges frames from the first on as the interface does: how many went
// into one frame, and that frame (out, tx) when there were two or more.
size_t merge(const std::vector<Bytes>& frames, Bytes* out = nullptr, husk_net_tx* tx = nullptr)
{
    TcpSegmentMerger m;
    if (!m.begin(frames[0].data(), frames[0].size()))
        return 1;
    Bytes room(TcpSegmentMerger::kMaxFrame);
    m.build_in(room.data());
    for (size_t i = 1; i < frames.size() && m.accepts(frames[i].data(), frames[i].size()); ++i)
        m.append(frames[i].data(), frames[i].size());
    husk_net_tx done;
    room.resize(m.finish(done));
    if (out)
        *out = room;
    if (tx)
        *tx = done;
    return m.segments();
}

size_t mergeable(const std::vector<Bytes>& frames) { return merge(frames); }

} // namespace

TEST(TcpSegmentMerger, AStreamMergesUpTo64KiB)
{
    EXPECT_EQ(mergeable(stream(10)), 10u);
    EXPECT_EQ(mergeable(stream(60)), 44u); // 45 x 1460 bytes exceed an IPv4 packet
    EXPECT_EQ(mergeable(stream(1)), 1u);
    // A shorter segment ends the merge, included.
    EXPECT_EQ(mergeable(stream(8, [](size_t i, Options& o) { o.payload = i == 4 ? 500 : 1460; })), 5u);
}

TEST(TcpSegmentMerger, OnlyPlainDataOfOneStreamInOrderMerges)
{
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.seq += i == 3 ? 1 : 0; })), 3u); // a gap
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.src_port = i == 2 ? 81 : 80; })), 2u);
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.ack += i == 5 ? 1 : 0; })), 5u);
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.window += i == 1 ? 1 : 0; })), 1u);
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.flags = i == 3 ? 0x11 : 0x10; })), 3u); // FIN
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.flags = i == 0 ? 0x12 : 0x10; })), 1u); // SYN leads
    EXPECT_EQ(mergeable(stream(6, [](size_t i, Options& o) { o.payload = i == 0 ? 0 : 1460; })), 1u);  // a pure ACK
    EXPECT_EQ(mergeable(stream(6, [](size_t, Options& o) { o.flags = 0x18; })), 6u);                 // PSH is fine
    auto frames = stream(4);
    frames[2][14 + 6] = 0x20; // more fragments
    EXPECT_EQ(mergeable(frames), 2u);
    frames = stream(4);
    frames[0][12] = 0x86; // not IPv4
    frames[0][13] = 0xdd;
    EXPECT_EQ(mergeable(frames), 1u);
    frames = stream(3);
    frames[1].resize(frames[1].size() - 10); // length disagrees with the IP header
    EXPECT_EQ(mergeable(frames), 1u);
}

TEST(TcpSegmentMerger, TheMergedFrameIsWhatTheDeviceCutsBackIntoTheSegments)
{
    auto frames = stream(7, [](size_t i, Options& o) {
        o.payload = i == 6 ? 999 : 1460;
        o.flags = i == 6 ? 0x18 : 0x10;
    });
    Bytes out;
    husk_net_tx tx {};
    ASSERT_EQ(merge(frames, &out, &tx), 7u);
    size_t length = out.size();
    ASSERT_EQ(length, 54u + 6 * 1460 + 999);
    EXPECT_EQ(tx.csum_start, 34);
    EXPECT_EQ(tx.csum_offset, 16);
    EXPECT_EQ(tx.gso_size, 1460);
    EXPECT_EQ(tx.hdr_len, 54);
    const uint8_t* ip = out.data() + 14;
    EXPECT_EQ(be16(ip + 2), length - 14);
    EXPECT_EQ(fold(sum(ip, 20)), 0xffff) << "IP header checksum";
    EXPECT_EQ(be16(ip + 4), 1) << "the first segment's IP id";
    EXPECT_EQ(ip[20 + 13], 0x18) << "ACK, and PSH from the last segment";
    EXPECT_EQ(memcmp(out.data(), frames[0].data(), 14), 0);
    // The payload is the stream's bytes in order.
    for (size_t i = 0; i < 6 * 1460 + 999; ++i)
        ASSERT_EQ(out[54 + i], uint8_t((1000 + i) * 7 + 3)) << "payload byte " << i;
    // What the device does: the ones'-complement sum from csum_start on,
    // the pseudo-header sum already in the field, complemented.
    uint16_t device = uint16_t(~fold(sum(out.data() + tx.csum_start, length - tx.csum_start)));
    put16(out.data() + tx.csum_start + tx.csum_offset, device);
    EXPECT_EQ(device, tcp_checksum(out)) << "TCP checksum of the whole";
}

TEST(TcpSegmentMerger, ALoneSegmentLeavesWhole)
{
    auto frames = stream(2, [](size_t i, Options& o) { o.src_port = i == 1 ? 81 : 80; });
    Bytes out;
    husk_net_tx tx { 1, 2, 3, 4 };
    ASSERT_EQ(merge(frames, &out, &tx), 1u);
    ASSERT_EQ(out.size(), frames[0].size());
    EXPECT_EQ(tx.csum_start, 34);
    EXPECT_EQ(tx.gso_size, 0) << "not to be cut";
    // The device completes the checksum: the frame is the segment again.
    put16(out.data() + 34 + 16, uint16_t(~fold(sum(out.data() + 34, out.size() - 34))));
    EXPECT_EQ(out, frames[0]);
    // A segment that cannot lead is refused before anything is copied.
    TcpSegmentMerger m;
    Bytes fin = segment(Options { .flags = 0x11 });
    EXPECT_FALSE(m.begin(fin.data(), fin.size()));
}

TEST(TcpSegmentMerger, WhatFollowsIsJudgedBeforeTheLeadIsCopied)
{
    // The interface asks whether a second segment continues the first
    // before it reserves room for a large frame.
    auto frames = stream(3);
    TcpSegmentMerger m;
    ASSERT_TRUE(m.begin(frames[0].data(), frames[0].size()));
    EXPECT_FALSE(m.accepts(frames[2].data(), frames[2].size())) << "a gap";
    ASSERT_TRUE(m.accepts(frames[1].data(), frames[1].size()));
    Bytes room(TcpSegmentMerger::kMaxFrame);
    m.build_in(room.data());
    frames[0].assign(frames[0].size(), 0); // the lead's memory is no longer needed
    m.append(frames[1].data(), frames[1].size());
    ASSERT_TRUE(m.accepts(frames[2].data(), frames[2].size()));
    m.append(frames[2].data(), frames[2].size());
    husk_net_tx tx;
    size_t length = m.finish(tx);
    EXPECT_EQ(length, 54u + 3 * 1460);
    for (size_t i = 0; i < 3 * 1460; ++i)
        ASSERT_EQ(room[54 + i], uint8_t((1000 + i) * 7 + 3)) << "payload byte " << i;
}
