// The datagrams a netlink socket receives in answer to one request: netlink
// messages (a header, a fixed part, attributes) packed into datagrams of
// at most kDatagram bytes, as Linux's dumps fill one buffer at a time
// (NLMSG_GOODSIZE: glibc reads them with a page-sized buffer).
#pragma once

#include "../abi/Netlink.h"
#include "../kstd/Vector.h"

namespace husk {

class NetlinkReply {
public:
    static constexpr size_t kDatagram = 3776; // NLMSG_GOODSIZE with 4 KiB pages
    using Datagram = kstd::Vector<uint8_t>;

    NetlinkReply(uint32_t seq, uint32_t port) : m_seq(seq), m_port(port) {}
    void set_seq(uint32_t seq) { m_seq = seq; }

    // A message: begin with its fixed part, add attributes, end. Messages
    // of one dump share datagrams; a message never spans two.
    void begin(uint16_t type, uint16_t flags, const void* fixed, uint32_t size);
    void attribute(uint16_t type, const void* data, uint32_t size);
    void attribute_u8(uint16_t type, uint8_t v) { attribute(type, &v, 1); }
    void attribute_u32(uint16_t type, uint32_t v) { attribute(type, &v, 4); }
    void attribute_string(uint16_t type, const char* s);
    void end();
    // NLMSG_DONE of a dump (its payload: the int 0), closing the datagram.
    void done();
    // NLMSG_ERROR for `request` (error 0 is an acknowledgement, which
    // carries the request's header only; an error carries the request
    // whole unless capped), in a datagram of its own.
    void error(int error, const linux::nlmsghdr& request, const uint8_t* payload, uint32_t payload_size,
               bool capped);
    // Closes the datagram being filled (the next message starts another).
    void flush();

    // The datagrams made, taken away.
    kstd::Vector<Datagram> take() { flush(); return kstd::move(m_done); }
    bool failed() const { return m_failed; }

private:
    void put(const void* data, uint32_t size);
    uint32_t m_seq, m_port;
    Datagram m_message; // the message being built
    Datagram m_current; // the datagram being filled
    kstd::Vector<Datagram> m_done;
    bool m_failed { false }; // out of memory somewhere
};

} // namespace husk
