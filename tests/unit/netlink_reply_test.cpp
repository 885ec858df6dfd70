// NetlinkReply and RouteNetlink's refusals: how answers are laid out
// (headers, attributes, datagrams of at most NLMSG_GOODSIZE, NLMSG_DONE,
// NLMSG_ERROR with or without the request) and what a change or an
// unknown request gets, as Linux's rtnetlink answers.
#include "abi/Netlink.h"
#include "net/NetlinkReply.h"
#include "net/RouteNetlink.h"
#include <cstring>
#include <gtest/gtest.h>
#include <vector>
#include "Boot.h" // last: its host headers define AF_NETLINK and friends as macros

using namespace husk;
using namespace husk::linux;

namespace {

std::vector<std::vector<uint8_t>> datagrams(NetlinkReply& r)
{
    std::vector<std::vector<uint8_t>> out;
    for (auto& d : r.take())
        out.emplace_back(d.data(), d.data() + d.size());
    return out;
}

nlmsghdr header_at(const std::vector<uint8_t>& d, size_t at)
{
    nlmsghdr h;
    memcpy(&h, d.data() + at, sizeof h);
    return h;
}

struct Request {
    nlmsghdr h;
    uint8_t body[8];
};

Request request(uint16_t type, uint16_t flags, uint32_t seq)
{
    Request r {};
    r.h = { sizeof r, type, uint16_t(NLM_F_REQUEST | flags), seq, 0 };
    r.body[0] = 2; // AF_INET
    return r;
}

int32_t error_of(const std::vector<uint8_t>& d)
{
    int32_t e;
    memcpy(&e, d.data() + sizeof(nlmsghdr), sizeof e);
    return e;
}

} // namespace

TEST(NetlinkReply, MessagesCarryTheirHeaderAndAlignedAttributes)
{
    boot_kernel();
    NetlinkReply r(7, 4242);
    ifinfomsg m {};
    m.ifi_index = 1;
    r.begin(RTM_NEWLINK, NLM_F_MULTI, &m, sizeof m);
    r.attribute_string(IFLA_IFNAME, "lo"); // 4 + 3 bytes, padded to 8
    r.attribute_u32(IFLA_MTU, 65536);
    r.end();
    auto d = datagrams(r);
    ASSERT_EQ(d.size(), 1u);
    nlmsghdr h = header_at(d[0], 0);
    EXPECT_EQ(h.nlmsg_len, 16u + 16u + 8u + 8u);
    EXPECT_EQ(h.nlmsg_len, d[0].size());
    EXPECT_EQ(h.nlmsg_type, RTM_NEWLINK);
    EXPECT_EQ(h.nlmsg_seq, 7u);
    EXPECT_EQ(h.nlmsg_pid, 4242u);
    rtattr a;
    memcpy(&a, d[0].data() + 32, sizeof a);
    EXPECT_EQ(a.rta_len, 7);
    EXPECT_EQ(a.rta_type, IFLA_IFNAME);
    EXPECT_STREQ(reinterpret_cast<const char*>(d[0].data() + 36), "lo");
}

TEST(NetlinkReply, ADumpFillsDatagramsUpToGoodSizeAndEndsWithDone)
{
    boot_kernel();
    NetlinkReply r(1, 99);
    uint8_t fixed[200] {};
    for (int i = 0; i < 50; ++i) { // 50 messages of 216 bytes: 17 a datagram
        r.begin(RTM_NEWADDR, NLM_F_MULTI, fixed, sizeof fixed);
        r.end();
    }
    r.done();
    auto d = datagrams(r);
    ASSERT_EQ(d.size(), 3u); // 17 + 17 + 16, and DONE fits in the last
    size_t messages = 0;
    bool done = false;
    for (auto& g : d) {
        EXPECT_LE(g.size(), NetlinkReply::kDatagram);
        for (size_t at = 0; at < g.size();) {
            nlmsghdr h = header_at(g, at);
            ASSERT_GE(h.nlmsg_len, sizeof h);
            EXPECT_FALSE(done) << "a message after NLMSG_DONE";
            if (h.nlmsg_type == NLMSG_DONE) {
                done = true;
                EXPECT_EQ(h.nlmsg_len, 20u); // the int 0, as Linux's
                EXPECT_EQ(h.nlmsg_flags, NLM_F_MULTI);
            } else {
                ++messages;
            }
            at += nl_align(h.nlmsg_len);
        }
    }
    EXPECT_EQ(messages, 50u);
    EXPECT_TRUE(done);
}

TEST(NetlinkReply, AnAckEchoesTheHeaderAnErrorTheRequestUnlessCapped)
{
    boot_kernel();
    Request q = request(RTM_NEWADDR, NLM_F_ACK, 5);
    NetlinkReply r(0, 12);
    r.error(0, q.h, q.body, sizeof q.body, false);
    r.error(1 /* EPERM */, q.h, q.body, sizeof q.body, false);
    r.error(1, q.h, q.body, sizeof q.body, true);
    auto d = datagrams(r);
    ASSERT_EQ(d.size(), 3u); // each in a datagram of its own
    EXPECT_EQ(d[0].size(), 16u + 4u + 16u);
    EXPECT_EQ(error_of(d[0]), 0);
    EXPECT_EQ(header_at(d[0], 0).nlmsg_flags, NLM_F_CAPPED);
    EXPECT_EQ(d[1].size(), 16u + 4u + sizeof q);
    EXPECT_EQ(error_of(d[1]), -1);
    EXPECT_EQ(header_at(d[1], 0).nlmsg_flags, 0);
    EXPECT_EQ(d[2].size(), 16u + 4u + 16u);
    for (auto& g : d) {
        EXPECT_EQ(header_at(g, 0).nlmsg_type, NLMSG_ERROR);
        EXPECT_EQ(header_at(g, 0).nlmsg_seq, 5u);
        EXPECT_EQ(header_at(g, 20).nlmsg_type, RTM_NEWADDR); // the request's header, echoed
    }
}

TEST(RouteNetlink, ChangesAreRefusedAsLinuxRefusesThem)
{
    boot_kernel();
    for (bool superuser : { false, true }) {
        for (uint16_t type : { RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE, RTM_DELLINK, RTM_SETLINK }) {
            Request q = request(type, 0, 3);
            NetlinkReply r(0, 77);
            RouteNetlink::handle(reinterpret_cast<const uint8_t*>(&q), sizeof q, { 77, superuser, false }, r);
            auto d = datagrams(r);
            ASSERT_EQ(d.size(), 1u) << type;
            EXPECT_EQ(error_of(d[0]), superuser ? -95 /* EOPNOTSUPP */ : -1 /* EPERM */) << type;
            EXPECT_EQ(header_at(d[0], 0).nlmsg_pid, 77u);
        }
    }
}

TEST(RouteNetlink, UnknownTypesErrControlMessagesAreAckedOnlyWhenAsked)
{
    boot_kernel();
    Request batch[3] = { request(0x7ff0, 0, 1), request(NLMSG_NOOP, NLM_F_ACK, 2), request(NLMSG_NOOP, 0, 3) };
    NetlinkReply r(0, 5);
    RouteNetlink::handle(reinterpret_cast<const uint8_t*>(batch), sizeof batch, { 5, false, false }, r);
    auto d = datagrams(r);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(error_of(d[0]), -95);
    EXPECT_EQ(header_at(d[0], 0).nlmsg_seq, 1u);
    EXPECT_EQ(error_of(d[1]), 0);
    EXPECT_EQ(header_at(d[1], 0).nlmsg_seq, 2u);
}

TEST(RouteNetlink, AMessageLongerThanItsDatagramEndsTheBatch)
{
    boot_kernel();
    Request q = request(0x7ff0, NLM_F_ACK, 1);
    q.h.nlmsg_len = 200;
    NetlinkReply r(0, 5);
    RouteNetlink::handle(reinterpret_cast<const uint8_t*>(&q), sizeof q, { 5, false, false }, r);
    EXPECT_TRUE(datagrams(r).empty());
}
