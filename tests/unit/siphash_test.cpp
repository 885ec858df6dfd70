// SipHash-2-4, the keyed hash of TCP's initial sequence numbers
// (kernel/net/lwip/TcpIsn.cpp): the reference implementation's vectors.
#include "net/SipHash.h"
#include <gtest/gtest.h>

namespace {
// Key 00 01 .. 0f, as the paper's test vectors.
const uint64_t kKey[2] = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
} // namespace

TEST(SipHash, MatchesTheReferenceVectors)
{
    uint8_t message[64];
    for (int i = 0; i < 64; ++i)
        message[i] = uint8_t(i);
    // vectors.h of the reference implementation: lengths 0, 1, 7, 8, 15, 63.
    EXPECT_EQ(husk::siphash24(kKey, message, 0), 0x726fdb47dd0e0e31ull);
    EXPECT_EQ(husk::siphash24(kKey, message, 1), 0x74f839c593dc67fdull);
    EXPECT_EQ(husk::siphash24(kKey, message, 7), 0xab0200f58b01d137ull);
    EXPECT_EQ(husk::siphash24(kKey, message, 8), 0x93f5f5799a932462ull);
    EXPECT_EQ(husk::siphash24(kKey, message, 15), 0xa129ca6149be45e5ull);
    EXPECT_EQ(husk::siphash24(kKey, message, 63), 0x958a324ceb064572ull);
}

TEST(SipHash, DependsOnTheKey)
{
    const uint8_t tuple[12] = { 127, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90, 0xc3, 0x50 };
    const uint64_t other[2] = { kKey[0] ^ 1, kKey[1] };
    EXPECT_NE(husk::siphash24(kKey, tuple, sizeof tuple), husk::siphash24(other, tuple, sizeof tuple));
}
