// NETLINK_ROUTE's requests (rtnetlink(7)), answered from the live
// interfaces: dumps of links (RTM_GETLINK), addresses (RTM_GETADDR, IPv4
// and IPv6) and the main table's routes (RTM_GETROUTE), each closed by
// NLMSG_DONE; a link by index or name. Changes (RTM_NEW*, RTM_DEL*,
// RTM_SET*) are refused as Linux refuses them: EPERM without
// CAP_NET_ADMIN, else EOPNOTSUPP (Husk configures interfaces at boot and
// through the SIOC* ioctls). No events are sent to multicast groups.
#pragma once

#include "NetlinkReply.h"

namespace husk {

class RouteNetlink {
public:
    struct Sender {
        uint32_t port;   // the socket's port id (nlmsg_pid of the answers)
        bool superuser;  // holds CAP_NET_ADMIN
        bool capped_ack; // NETLINK_CAP_ACK: errors without the request
    };
    // Every message of one datagram from a program, in order, as Linux's
    // netlink_rcv_skb: answers (and errors) appended to reply.
    static void handle(const uint8_t* data, size_t size, const Sender& sender, NetlinkReply& reply);
};

} // namespace husk
