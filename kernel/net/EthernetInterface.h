// One platform Ethernet device as an lwIP network interface: frames out
// through husk_plat_net_send, frames in (pulled by the network thread)
// into lwIP. Frames the device has no room for wait in a backlog, as in
// Linux's transmit queue, rather than being dropped: a drop costs TCP a
// retransmission timeout (at least half a second in lwIP). Where the
// device segments TCP itself (TSO), frames also wait there during a
// TransmitBatch, and consecutive segments of a stream leave as one frame.
#pragma once

#include "../kstd/Memory.h"
#include "lwip/netif.h"

namespace husk {

class EthernetInterface : public kstd::HeapObject {
public:
    // Adds platform device dev to lwIP; nullptr when it has none.
    static EthernetInterface* attach(unsigned dev);
    netif& lwip() { return m_netif; }
    unsigned device() const { return m_dev; }
    // The platform's name for it (vioif0, ...).
    const char* name() const { return m_name; }
    // Feeds every pending frame to lwIP; returns how many.
    size_t receive_pending();
    // Hands the backlog to the device while it has room (the platform posts
    // HUSK_EVENT_NET when room frees after a send said -EAGAIN).
    void transmit_pending();

private:
    EthernetInterface() = default;
    static signed char init(netif* n);
    static signed char link_output(netif* n, pbuf* p);
    int send(pbuf* p);
    // Sends the backlog's first frames, merged when they are one stream's
    // segments; how many frames left, or -EAGAIN.
    long send_merged();
    bool queue(pbuf* p);
    static constexpr size_t kBacklog = 512; // frames; Linux's txqueuelen is 1000
    static constexpr size_t kMergeWindow = 48; // frames looked at per merge (64 KiB / 1460 < 45)
    netif m_netif {};
    unsigned m_dev { 0 };
    char m_name[16] {};
    uint16_t m_mtu { 1500 };
    uint8_t* m_merged { nullptr }; // TcpSegmentMerger::kMaxFrame bytes where the device has TSO4
    pbuf* m_backlog[kBacklog] {}; // a ring of copies, oldest at m_backlog_first
    size_t m_backlog_first { 0 };
    size_t m_backlog_count { 0 };
};

} // namespace husk
