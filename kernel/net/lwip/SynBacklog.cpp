// lwIP's hook for segments reaching a pcb (LWIP_HOOK_TCP_INPACKET_PCB, see
// lwipopts.h), for what lwIP's TCP does not do as Linux does:
// - a SYN for a listener whose backlog of half-open connections is full
//   evicts the oldest of them, so a flood of spoofed SYNs cannot shut real
//   clients out until the half-open ones time out; the backlog is
//   kMaxHalfOpen, not lwIP's 255;
// - a SYN that reuses the addresses and ports of a connection in TIME_WAIT,
//   with a sequence number past the old connection's, starts a new
//   connection (RFC 6191, Linux's TCP_TW_SYN): lwIP would answer it with an
//   ACK of the old one for the 2 MSL (120 s) of TIME_WAIT. A client that
//   reuses ports quickly (QEMU's user-mode forward passes the host's client
//   ports on) waited out its SYN retransmissions.
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

namespace {
// Half-open connections a listener keeps (Linux's SYN queue is
// tcp_max_syn_backlog, 128 to 4096 by memory, and has SYN cookies beyond).
constexpr size_t kMaxHalfOpen = 1024;

// The TIME_WAIT pcb goes; the SYN comes in again, from the interface's
// loopback queue (the network thread delivers it in the same round), and
// finds the listener. False: not a new connection's SYN, or not whole in
// one buffer; lwIP's own TIME_WAIT handling goes on.
bool reuse_time_wait(tcp_pcb* pcb, tcp_hdr* hdr, pbuf* p)
{
    // tcp_input has turned the header's numbers to host order (in place).
    if (TCP_SEQ_LEQ(hdr->seqno, pcb->rcv_nxt) || p->next)
        return false;
    netif* in = ip_current_input_netif();
    const uint8_t* packet;
    size_t length;
    if (ip_current_is_v6()) {
        packet = reinterpret_cast<const uint8_t*>(ip6_current_header());
        length = IP6_HLEN + lwip_ntohs(IP6H_PLEN(ip6_current_header()));
    } else {
        packet = reinterpret_cast<const uint8_t*>(ip4_current_header());
        length = lwip_ntohs(IPH_LEN(ip4_current_header()));
    }
    auto* end = static_cast<const uint8_t*>(p->payload) + p->len;
    if (!in || !packet || packet + length != end)
        return false;
    auto* tcp = reinterpret_cast<const uint8_t*>(hdr);
    if (tcp < packet || tcp + TCP_HLEN > end)
        return false;
    // The packet as it came: the numbers back in network order.
    pbuf* again = pbuf_alloc(PBUF_RAW, uint16_t(length), PBUF_RAM);
    if (!again)
        return false;
    pbuf_take(again, packet, uint16_t(length));
    auto* copy = reinterpret_cast<tcp_hdr*>(static_cast<uint8_t*>(again->payload) + (tcp - packet));
    copy->src = lwip_htons(hdr->src);
    copy->dest = lwip_htons(hdr->dest);
    copy->seqno = lwip_htonl(hdr->seqno);
    copy->ackno = lwip_htonl(hdr->ackno);
    copy->wnd = lwip_htons(hdr->wnd);
    err_t queued = netif_loop_output(in, again); // copies it
    pbuf_free(again);
    if (queued != ERR_OK)
        return false;
    tcp_pcb_remove(&tcp_tw_pcbs, pcb);
    tcp_free(pcb);
    return true;
}
} // namespace

extern "C" signed char husk_lwip_tcp_inpacket(tcp_pcb* pcb, tcp_hdr* hdr, pbuf* p)
{
    if ((TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
        return ERR_OK;
    if (pcb->state == TIME_WAIT)
        return reuse_time_wait(pcb, hdr, p) ? ERR_ABRT : ERR_OK; // ERR_ABRT: this copy is dropped
    if (pcb->state != LISTEN)
        return ERR_OK;
    auto* listener = reinterpret_cast<tcp_pcb_listen*>(pcb);
    if (listener->accepts_pending < listener->backlog)
        return ERR_OK;
    // lwIP counts half-open connections in a byte (255 at most), fewer than
    // a burst of clients has in flight (1 000 connects through QEMU's
    // forward). They are counted here instead, against kMaxHalfOpen: those
    // lwIP counts are released from its count (they stay half-open), and
    // past the limit the oldest goes.
    size_t half_open = 0;
    tcp_pcb* oldest = nullptr;
    for (tcp_pcb* p = tcp_active_pcbs; p; p = p->next) {
        if (p->state != SYN_RCVD || p->listener != listener)
            continue;
        ++half_open;
        if (!oldest || u32_t(tcp_ticks - p->tmr) > u32_t(tcp_ticks - oldest->tmr))
            oldest = p;
    }
    // No reset: the source of a flooded SYN is likely forged.
    if (oldest && half_open >= kMaxHalfOpen)
        tcp_abandon(oldest, 0);
    for (tcp_pcb* p = tcp_active_pcbs; p; p = p->next)
        if (p->state == SYN_RCVD && p->listener == listener)
            tcp_backlog_accepted(p); // only lwIP's count changes
    return ERR_OK;
}
