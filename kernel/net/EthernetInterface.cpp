#include "EthernetInterface.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/Errno.h"
#include "../kstd/Memory.h"
#include "InternetChecksum.h"
#include "NetStack.h"
#include "TcpSegmentMerger.h"
#include "TransmitBatch.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
constexpr size_t kMaxFrame = 1514 + 4; // Ethernet header + 1500 + a VLAN tag's room
} // namespace

EthernetInterface* EthernetInterface::attach(unsigned dev, size_t queue_length)
{
    husk_net_info info {};
    if (husk_plat_net_info(dev, &info) != 0)
        return nullptr;
    auto* e = new EthernetInterface;
    if (!e) {
        klog(LogLevel::Error, "net: no memory for interface %u", dev);
        return nullptr;
    }
    e->m_dev = dev;
    e->m_queue_length = queue_length;
    memcpy(e->m_name, info.name, sizeof e->m_name - 1);
    e->m_mtu = info.mtu ? info.mtu : 1500;
    constexpr uint32_t tso = HUSK_NET_OFFLOAD_CSUM | HUSK_NET_OFFLOAD_TSO4;
    e->m_csum = info.offloads & HUSK_NET_OFFLOAD_CSUM;
    e->m_tso = (info.offloads & tso) == tso && info.max_frame >= TcpSegmentMerger::kMaxFrame;
    netif* n = &e->m_netif;
    memcpy(n->hwaddr, info.mac, 6);
    if (!netif_add(n, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, e, init, ethernet_input)) {
        klog(LogLevel::Error, "net: lwIP refused interface %u", dev);
        delete e;
        return nullptr;
    }
    netif_set_link_up(n);
    klog(LogLevel::Info, "net: en%u = %s, %02x:%02x:%02x:%02x:%02x:%02x, mtu %u%s", unsigned(n->num), info.name,
         info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5], unsigned(e->m_mtu),
         e->m_tso ? ", TCP segmentation offload" : e->m_csum ? ", TCP checksum offload" : "");
    return e;
}

signed char EthernetInterface::init(netif* n)
{
    auto* e = static_cast<EthernetInterface*>(n->state);
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->hwaddr_len = 6;
    n->mtu = e->m_mtu;
    n->mtu6 = e->m_mtu;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = link_output;
    if (e->m_csum)
        NETIF_SET_CHECKSUM_CTRL(n, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP);
    return ERR_OK;
}

int EthernetInterface::send(pbuf* p)
{
    void* room;
    if (int r = husk_plat_net_reserve(m_dev, p->tot_len, &room); r != 0)
        return r;
    auto* frame = static_cast<uint8_t*>(room);
    pbuf_copy_partial(p, frame, p->tot_len, 0); // a chain (headers and payload apart) becomes one frame
    // lwIP left a TCP checksum at 0 for the device to complete.
    husk_net_tx tx {};
    bool offloaded = m_csum && checksum::offload_tcp_checksum(frame, p->tot_len, tx);
    return husk_plat_net_commit(m_dev, p->tot_len, offloaded ? &tx : nullptr);
}

void EthernetInterface::on_ip_input(pbuf* p, netif* n)
{
    if (n->linkoutput != link_output)
        return; // loopback: lwIP's own checksums
    auto* e = static_cast<EthernetInterface*>(n->state);
    checksum::TcpSegment tcp;
    auto* ip = static_cast<uint8_t*>(p->payload);
    if (!e->m_csum || e->m_receiving || p->len != p->tot_len || !checksum::locate_tcp(ip, p->len, tcp))
        return;
    uint8_t* segment = ip + tcp.offset;
    checksum::put_be16(segment + 16, 0);
    checksum::put_be16(segment + 16, uint16_t(~checksum::fold(checksum::sum16(segment, tcp.length, tcp.pseudo))));
}

namespace {
// A frame the merger can read: one pbuf, not a chain.
bool whole(const pbuf* p) { return p->len == p->tot_len; }
const uint8_t* bytes(const pbuf* p) { return static_cast<const uint8_t*>(p->payload); }
} // namespace

bool EthernetInterface::merge(pbuf* p)
{
    if (m_building) {
        if (whole(p) && m_merge.accepts(bytes(p), p->len)) {
            m_merge.append(bytes(p), p->len);
            return true;
        }
        end_merge();
    } else if (m_lead) {
        void* room;
        if (whole(p) && m_merge.accepts(bytes(p), p->len)) {
            int r = husk_plat_net_reserve(m_dev, TcpSegmentMerger::kMaxFrame, &room);
            if (r == 0) {
                m_merge.build_in(static_cast<uint8_t*>(room));
                pbuf_free(m_lead);
                m_lead = nullptr;
                m_building = true;
                m_merge.append(bytes(p), p->len);
                return true;
            }
            // No large buffer free: both wait, to be merged when one is.
            bool queued = queue(m_lead);
            pbuf_free(m_lead);
            m_lead = nullptr;
            return queued && queue(p);
        }
        end_merge();
    }
    if (m_backlog_count || !whole(p) || !m_merge.begin(bytes(p), p->len))
        return false;
    pbuf_ref(p); // lwIP leaves a sent segment alone until acknowledged; this is shorter
    m_lead = p;
    return true;
}

void EthernetInterface::end_merge()
{
    if (m_building) {
        m_building = false;
        husk_net_tx tx;
        size_t length = m_merge.finish(tx);
        husk_plat_net_commit(m_dev, length, &tx);
    } else if (m_lead) {
        pbuf* lead = m_lead;
        m_lead = nullptr;
        if (m_backlog_count || send(lead) == -EAGAIN)
            queue(lead);
        pbuf_free(lead);
    }
}

long EthernetInterface::send_backlog()
{
    auto at = [&](size_t i) { return m_backlog[(m_backlog_first + i) % kMaxBacklog]; };
    pbuf* first = at(0);
    if (!m_tso || m_backlog_count < 2 || !whole(first) || !m_merge.begin(bytes(first), first->len)
        || !whole(at(1)) || !m_merge.accepts(bytes(at(1)), at(1)->len)) {
        int r = send(first);
        return r == -EAGAIN ? r : 1;
    }
    void* room;
    if (int r = husk_plat_net_reserve(m_dev, TcpSegmentMerger::kMaxFrame, &room); r != 0)
        return r == -EAGAIN ? r : 1;
    m_merge.build_in(static_cast<uint8_t*>(room));
    for (size_t i = 1; i < m_backlog_count && whole(at(i)) && m_merge.accepts(bytes(at(i)), at(i)->len); ++i)
        m_merge.append(bytes(at(i)), at(i)->len);
    husk_net_tx tx;
    size_t length = m_merge.finish(tx);
    husk_plat_net_commit(m_dev, length, &tx);
    return long(m_merge.segments());
}

bool EthernetInterface::queue(pbuf* p)
{
    if (m_backlog_count >= m_queue_length)
        return false;
    // lwIP does not touch a segment a driver references (it waits to
    // resend it); volatile data (a PBUF_REF, as fragments are) is copied.
    bool volatile_data = false;
    for (const pbuf* q = p; q; q = q->next)
        volatile_data = volatile_data || PBUF_NEEDS_COPY(q);
    pbuf* held = p;
    if (volatile_data) {
        held = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
        if (!held)
            return false;
    } else {
        pbuf_ref(p);
    }
    m_backlog[(m_backlog_first + m_backlog_count++) % kMaxBacklog] = held;
    return true;
}

namespace {
// An IPv4 or IPv6 packet carrying TCP (lwIP's headers are in the first pbuf).
bool carries_tcp(const pbuf* p)
{
    if (p->len < 14 + 40)
        return false;
    const uint8_t* f = bytes(p);
    uint16_t type = uint16_t(f[12] << 8 | f[13]);
    return (type == 0x0800 && f[14 + 9] == 6) || (type == 0x86dd && f[14 + 6] == 6);
}
} // namespace

signed char EthernetInterface::link_output(netif* n, pbuf* p)
{
    auto* e = static_cast<EthernetInterface*>(n->state);
    if (p->tot_len > kMaxFrame)
        return ERR_BUF;
    bool batching = e->m_tso && TransmitBatch::active();
    if (batching && e->merge(p))
        return ERR_OK;
    if (!e->m_backlog_count) { // else this frame goes behind the others, in order
        int r = e->send(p);
        if (r != -EAGAIN)
            return r == 0 ? ERR_OK : ERR_IF;
    }
    if (batching && e->m_backlog_count == e->m_queue_length)
        e->transmit_pending(); // a long batch: what the device takes now leaves early
    if (e->queue(p))
        return ERR_OK;
    if (carries_tcp(p)) {
        e->m_refused = true;
        return ERR_MEM; // lwIP keeps the segment unsent: see take_resumable()
    }
    return ERR_OK; // dropped, as by a full Linux queue (UDP does not hear of it there either)
}

void EthernetInterface::transmit_pending()
{
    end_merge();
    while (m_backlog_count) {
        long sent = send_backlog();
        if (sent == -EAGAIN)
            return;
        for (long i = 0; i < sent; ++i) { // sent, or refused for good (-EINVAL): either way done
            pbuf_free(m_backlog[m_backlog_first]);
            m_backlog[m_backlog_first] = nullptr;
            m_backlog_first = (m_backlog_first + 1) % kMaxBacklog;
            --m_backlog_count;
        }
    }
    if (resumable())
        NetStack::kick(); // the network thread has TCP send again (take_resumable)
}

bool EthernetInterface::resumable() const { return m_refused && m_backlog_count < m_queue_length / 2; }

bool EthernetInterface::take_resumable()
{
    if (!resumable())
        return false;
    m_refused = false;
    return true;
}

size_t EthernetInterface::receive_pending()
{
    size_t count = 0;
    uint8_t frame[kMaxFrame];
    m_receiving = true;
    for (;;) {
        long n = husk_plat_net_recv(m_dev, frame, sizeof frame);
        if (n == -EMSGSIZE) { // the platform keeps it for a larger buffer: none is larger
            klog(LogLevel::Warning, "net: en%u: a received frame exceeds %zu bytes; receiving stops", unsigned(m_netif.num),
                 kMaxFrame);
            break;
        }
        if (n <= 0)
            break;
        ++count;
        pbuf* p = pbuf_alloc(PBUF_RAW, uint16_t(n), PBUF_POOL);
        if (!p)
            continue; // out of memory: dropped, like a full ring
        pbuf_take(p, frame, uint16_t(n));
        if (m_netif.input(p, &m_netif) != ERR_OK)
            pbuf_free(p);
    }
    m_receiving = false;
    return count;
}

} // namespace husk

extern "C" int husk_lwip_ip_input(pbuf* p, netif* inp)
{
    husk::EthernetInterface::on_ip_input(p, inp);
    return 0; // not eaten: lwIP goes on with it
}
