// Linux's netlink and rtnetlink ABI (include/uapi/linux/netlink.h,
// rtnetlink.h, if_link.h, if_addr.h): the headers and numbers of the
// NETLINK_ROUTE messages Husk answers.
#pragma once

#include <stdint.h>

namespace husk::linux {

inline constexpr int AF_NETLINK = 16, AF_PACKET = 17;
inline constexpr int NETLINK_ROUTE = 0, kNetlinkMaxProtocols = 32; // MAX_LINKS
inline constexpr int SOL_NETLINK = 270;
// SOL_NETLINK options.
inline constexpr int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_PKTINFO = 3,
                     NETLINK_BROADCAST_ERROR = 4, NETLINK_NO_ENOBUFS = 5, NETLINK_LISTEN_ALL_NSID = 8,
                     NETLINK_LIST_MEMBERSHIPS = 9, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11,
                     NETLINK_GET_STRICT_CHK = 12;

struct sockaddr_nl {
    uint16_t nl_family;
    uint16_t nl_pad;
    uint32_t nl_pid;
    uint32_t nl_groups;
};
static_assert(sizeof(sockaddr_nl) == 12);

struct nlmsghdr {
    uint32_t nlmsg_len;
    uint16_t nlmsg_type;
    uint16_t nlmsg_flags;
    uint32_t nlmsg_seq;
    uint32_t nlmsg_pid;
};
static_assert(sizeof(nlmsghdr) == 16);
inline constexpr uint32_t nl_align(uint32_t n) { return (n + 3) & ~3u; } // NLMSG_ALIGN, RTA_ALIGN

inline constexpr uint16_t NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8,
                          NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300, NLM_F_CAPPED = 0x100;
inline constexpr uint16_t NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_MIN_TYPE = 0x10;

struct nlmsgerr {
    int32_t error;
    nlmsghdr msg; // the request's header (and, without NETLINK_CAP_ACK, its payload)
};

inline constexpr uint16_t RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19,
                          RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22, RTM_NEWROUTE = 24,
                          RTM_DELROUTE = 25, RTM_GETROUTE = 26, RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29,
                          RTM_GETNEIGH = 30, RTM_NEWRULE = 32, RTM_GETRULE = 34, RTM_GETQDISC = 38,
                          RTM_GETNETCONF = 82, RTM_MAX = 125;

struct rtattr {
    uint16_t rta_len;
    uint16_t rta_type;
};

struct ifinfomsg {
    uint8_t ifi_family;
    uint8_t pad;
    uint16_t ifi_type; // ARPHRD_*
    int32_t ifi_index;
    uint32_t ifi_flags;
    uint32_t ifi_change;
};
static_assert(sizeof(ifinfomsg) == 16);
inline constexpr uint16_t IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5,
                          IFLA_QDISC = 6, IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17,
                          IFLA_GROUP = 27, IFLA_PROMISCUITY = 30, IFLA_NUM_TX_QUEUES = 31, IFLA_NUM_RX_QUEUES = 32,
                          IFLA_CARRIER = 33, IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51;
inline constexpr uint8_t IF_OPER_UNKNOWN = 0, IF_OPER_DOWN = 2, IF_OPER_UP = 6;
inline constexpr uint32_t IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40,
                          IFF_MULTICAST = 0x1000, IFF_LOWER_UP = 0x10000;
inline constexpr uint16_t ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;

struct ifaddrmsg {
    uint8_t ifa_family;
    uint8_t ifa_prefixlen;
    uint8_t ifa_flags;
    uint8_t ifa_scope;
    uint32_t ifa_index;
};
static_assert(sizeof(ifaddrmsg) == 8);
inline constexpr uint16_t IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_CACHEINFO = 6,
                          IFA_FLAGS = 8;
inline constexpr uint32_t IFA_F_TENTATIVE = 0x40, IFA_F_PERMANENT = 0x80, IFA_F_NOPREFIXROUTE = 0x200;
struct ifa_cacheinfo {
    uint32_t ifa_prefered, ifa_valid, cstamp, tstamp;
};

struct rtmsg {
    uint8_t rtm_family;
    uint8_t rtm_dst_len;
    uint8_t rtm_src_len;
    uint8_t rtm_tos;
    uint8_t rtm_table;
    uint8_t rtm_protocol;
    uint8_t rtm_scope;
    uint8_t rtm_type;
    uint32_t rtm_flags;
};
static_assert(sizeof(rtmsg) == 12);
inline constexpr uint16_t RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7,
                          RTA_TABLE = 15, RTA_PREF = 20;
inline constexpr uint8_t RT_TABLE_MAIN = 254, RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_RA = 9,
                         RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254, RTN_UNICAST = 1;

// The address scope Linux reports (RT_SCOPE_*).
inline constexpr uint8_t kScopeUniverse = 0, kScopeLink = 253, kScopeHost = 254;

} // namespace husk::linux
