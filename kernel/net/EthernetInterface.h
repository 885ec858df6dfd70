// One platform Ethernet device as an lwIP network interface: frames out
// through husk_plat_net_reserve/commit, frames in (pulled by the network
// thread) into lwIP. Frames the device has no room for wait in a backlog,
// as in Linux's transmit queue, held by reference (lwIP leaves a segment
// a driver references alone). When the backlog is full, TCP segments are
// refused rather than dropped: lwIP keeps them unsent, and the network
// thread has TCP send again once the backlog has drained (as Linux wakes
// a stopped queue); a drop would cost TCP a retransmission timeout, a
// second or more of silence in lwIP. Where the device segments TCP itself
// (TSO), consecutive segments of a stream sent during a TransmitBatch are
// merged, as they come, into one frame built in the device's buffer.
#pragma once

#include "../kstd/Memory.h"
#include "NetStack.h"
#include "TcpSegmentMerger.h"
#include "lwip/netif.h"

namespace husk {

class EthernetInterface : public kstd::HeapObject {
public:
    // Adds platform device dev to lwIP, with a transmit backlog of
    // queue_length frames (2..kMaxBacklog); nullptr when it has none.
    static EthernetInterface* attach(unsigned dev, size_t queue_length);
    static constexpr size_t kMaxBacklog = NetStack::kMaxTransmitQueue;
    netif& lwip() { return m_netif; }
    unsigned device() const { return m_dev; }
    // The platform's name for it (vioif0, ...).
    const char* name() const { return m_name; }
    // Feeds every pending frame to lwIP; returns how many.
    size_t receive_pending();
    // Hands the backlog to the device while it has room (the platform posts
    // HUSK_EVENT_NET when room frees after a reservation said -EAGAIN).
    void transmit_pending();
    // Whether TCP segments were refused (a full backlog) and the backlog
    // has since drained: then TCP should send again. Clears the mark.
    bool take_resumable();
    // Every IP packet lwIP takes in on interface n (its input hook): a TCP
    // packet that an interface whose device completes TCP checksums sent
    // to its own address never reached the device, so it gets its checksum
    // here.
    static void on_ip_input(pbuf* p, netif* n);

private:
    EthernetInterface() = default;
    static signed char init(netif* n);
    static signed char link_output(netif* n, pbuf* p);
    // The TSO path of link_output: true when p was taken (merged, or held
    // as the lead of a merge).
    bool merge(pbuf* p);
    // Sends the merge being built, or the held lead alone.
    void end_merge();
    // One frame to the device: 0, -EAGAIN (no room now) or another error.
    int send(pbuf* p);
    // Sends the backlog's first frames, merged when they are one stream's
    // segments; how many frames left, or -EAGAIN.
    long send_backlog();
    // Adds p to the backlog: whether there was room.
    bool queue(pbuf* p);
    // Refused TCP output may go again: the backlog has drained to half.
    bool resumable() const;
    netif m_netif {};
    unsigned m_dev { 0 };
    char m_name[16] {};
    uint16_t m_mtu { 1500 };
    bool m_csum { false };     // the device completes checksums: lwIP leaves TCP's to it
    bool m_tso { false };
    bool m_receiving { false }; // frames from the device are going into lwIP
    TcpSegmentMerger m_merge;
    pbuf* m_lead { nullptr };  // a segment held (referenced) until the next frame says whether it leads a merge
    bool m_building { false }; // m_merge is being built in the device's reserved room
    bool m_refused { false };  // a TCP segment found the backlog full
    size_t m_queue_length { kMaxBacklog }; // the backlog's limit
    pbuf* m_backlog[kMaxBacklog] {}; // a ring of referenced frames (copies where lwIP's are volatile), oldest at m_backlog_first
    size_t m_backlog_first { 0 };
    size_t m_backlog_count { 0 };
};

} // namespace husk
