// lwIP's hook for segments reaching a pcb (LWIP_HOOK_TCP_INPACKET_PCB, see
// lwipopts.h): a SYN for a listener whose backlog of half-open connections
// is full evicts the oldest of them, so a flood of spoofed SYNs cannot shut
// real clients out until the half-open ones time out.
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

extern "C" signed char husk_lwip_tcp_inpacket(tcp_pcb* pcb, tcp_hdr* hdr)
{
    if (pcb->state != LISTEN || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK)) != TCP_SYN)
        return ERR_OK;
    auto* listener = reinterpret_cast<tcp_pcb_listen*>(pcb);
    if (listener->accepts_pending < listener->backlog)
        return ERR_OK;
    tcp_pcb* oldest = nullptr;
    for (tcp_pcb* p = tcp_active_pcbs; p; p = p->next) {
        if (p->state != SYN_RCVD || p->listener != listener)
            continue;
        if (!oldest || u32_t(tcp_ticks - p->tmr) > u32_t(tcp_ticks - oldest->tmr))
            oldest = p;
    }
    // No reset: the source of a flooded SYN is likely forged.
    if (oldest)
        tcp_abandon(oldest, 0);
    return ERR_OK;
}
