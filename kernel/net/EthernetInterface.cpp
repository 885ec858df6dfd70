#include "EthernetInterface.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/Errno.h"
#include "../kstd/Memory.h"
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

EthernetInterface* EthernetInterface::attach(unsigned dev)
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
    memcpy(e->m_name, info.name, sizeof e->m_name - 1);
    e->m_mtu = info.mtu ? info.mtu : 1500;
    netif* n = &e->m_netif;
    memcpy(n->hwaddr, info.mac, 6);
    if (!netif_add(n, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, e, init, ethernet_input)) {
        klog(LogLevel::Error, "net: lwIP refused interface %u", dev);
        delete e;
        return nullptr;
    }
    netif_set_link_up(n);
    klog(LogLevel::Info, "net: en%u = %s, %02x:%02x:%02x:%02x:%02x:%02x, mtu %u", unsigned(n->num), info.name,
         info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5], unsigned(e->m_mtu));
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
    return ERR_OK;
}

signed char EthernetInterface::link_output(netif* n, pbuf* p)
{
    auto* e = static_cast<EthernetInterface*>(n->state);
    uint8_t frame[kMaxFrame];
    if (p->tot_len > sizeof frame)
        return ERR_BUF;
    // A chain (headers and payload in separate pbufs) becomes one frame.
    const void* data = p->payload;
    if (p->len != p->tot_len) {
        pbuf_copy_partial(p, frame, p->tot_len, 0);
        data = frame;
    }
    int r = husk_plat_net_send(e->m_dev, data, p->tot_len);
    // A full transmit ring drops the frame, as a busy NIC would: TCP resends.
    return r == 0 ? ERR_OK : r == -EAGAIN ? ERR_OK : ERR_IF;
}

size_t EthernetInterface::receive_pending()
{
    size_t count = 0;
    uint8_t frame[kMaxFrame];
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
    return count;
}

} // namespace husk
