#include "NetStack.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "../core/WaitQueue.h"
#include "../kstd/NeverDestroyed.h"
#include "EthernetInterface.h"
#include "TransmitBatch.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ip4.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
EthernetInterface* g_interfaces[NetStack::kMaxInterfaces];
size_t g_count = 0;
bool g_up = false;
bool g_kicked = false;
bool g_in_lwip = false; // netif_poll_all is running: lwIP must not be entered again
size_t g_queue_length = NetStack::kMaxTransmitQueue;
WaitQueue& work()
{
    static kstd::NeverDestroyed<WaitQueue> queue;
    return queue.get();
}
// Who waits for an interface's address (wait_for_ipv4).
WaitQueue& addresses()
{
    static kstd::NeverDestroyed<WaitQueue> queue;
    return queue.get();
}

void on_status_change(netif*) { addresses().wake_all(); }

// Packets an interface sent to itself (127.0.0.1, its own address), queued
// by lwIP until netif_poll.
bool loopback_pending()
{
    for (netif* n = netif_list; n; n = n->next)
        if (n->loop_first)
            return true;
    return false;
}

// Frames, loopback packets and timers, then sleep until the next timer or
// until an interrupt or kick() says there is more.
void network_thread(void*)
{
    for (;;) {
        g_kicked = false;
        {
            // What the round sends (the data a burst of ACKs lets out,
            // above all) leaves together at its end.
            TransmitBatch batch;
            bool resume = false;
            for (size_t i = 0; i < g_count; ++i) {
                // The backlog first, so what this round sends finds room
                // (the batch's end sends the rest).
                g_interfaces[i]->transmit_pending();
                resume = g_interfaces[i]->take_resumable() || resume;
                g_interfaces[i]->receive_pending();
            }
            if (resume)
                tcp_txnow(); // output again where an interface refused it (TF_NAGLEMEMERR)
            // Delivering a packet makes answers (ACKs, data), timers too.
            g_in_lwip = true;
            for (int rounds = 0; rounds < 64; ++rounds) {
                netif_poll_all();
                sys_check_timeouts();
                if (!loopback_pending())
                    break;
            }
            g_in_lwip = false;
        }
        if (g_kicked || loopback_pending())
            continue;
        uint32_t ms = sys_timeouts_sleeptime();
        uint64_t deadline = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? UINT64_MAX : husk_plat_clock_monotonic() + uint64_t(ms) * 1000000;
        work().wait(deadline);
    }
}

void on_platform_events(uint32_t events)
{
    if (events & HUSK_EVENT_NET)
        NetStack::kick();
}

netif* interface(size_t index) { return index < g_count ? &g_interfaces[index]->lwip() : nullptr; }
} // namespace

void NetStack::init()
{
    if (g_up)
        return;
    lwip_init(); // also adds the loopback interface, 127.0.0.1 and ::1
    for (unsigned dev = 0; g_count < NetStack::kMaxInterfaces; ++dev) {
        EthernetInterface* e = EthernetInterface::attach(dev, g_queue_length);
        if (!e)
            break;
        netif_set_status_callback(&e->lwip(), on_status_change);
        g_interfaces[g_count++] = e;
    }
    if (g_count)
        Scheduler::add_event_handler(on_platform_events);
    Thread::create("net", network_thread, nullptr);
    g_up = true;
}

bool NetStack::is_up() { return g_up; }

bool NetStack::set_transmit_queue_length(size_t frames)
{
    if (frames < 2 || frames > kMaxTransmitQueue)
        return false;
    g_queue_length = frames;
    return true;
}

void NetStack::kick()
{
    g_kicked = true;
    work().wake_all();
}

void NetStack::deliver_loopback()
{
    if (!loopback_pending())
        return;
    if (g_in_lwip) { // the round under way delivers them
        kick();
        return;
    }
    g_in_lwip = true;
    {
        TransmitBatch batch;
        // Each round delivers the answers to the last (SYN, SYN-ACK, ACK);
        // the network thread finishes what a long exchange leaves.
        for (int rounds = 0; rounds < 16 && loopback_pending(); ++rounds)
            netif_poll_all();
    }
    g_in_lwip = false;
    if (loopback_pending())
        kick();
}

void NetStack::transmit_pending()
{
    for (size_t i = 0; i < g_count; ++i)
        g_interfaces[i]->transmit_pending();
}

size_t NetStack::interface_count() { return g_count; }

kstd::ErrorOr<void> NetStack::configure_static(size_t index, uint32_t address, unsigned prefix, uint32_t gateway)
{
    netif* n = interface(index);
    if (!n)
        return err(ENODEV);
    if (prefix > 32)
        return err(EINVAL);
    ip4_addr_t a, mask, gw;
    a.addr = address; // network order
    mask.addr = prefix ? __builtin_bswap32(~0u << (32 - prefix)) : 0;
    gw.addr = gateway;
    netif_set_addr(n, &a, &mask, &gw);
    netif_set_up(n);
    if (!netif_default) // the first configured interface routes by default
        netif_set_default(n);
    kick();
    return {};
}

kstd::ErrorOr<void> NetStack::start_dhcp(size_t index)
{
    netif* n = interface(index);
    if (!n)
        return err(ENODEV);
    netif_set_up(n);
    if (!netif_default)
        netif_set_default(n);
    if (dhcp_start(n) != ERR_OK)
        return err(ENOMEM);
    kick();
    return {};
}

kstd::ErrorOr<void> NetStack::start_ipv6_auto(size_t index)
{
    netif* n = interface(index);
    if (!n)
        return err(ENODEV);
    netif_set_up(n);
    netif_create_ip6_linklocal_address(n, 1);
    netif_set_ip6_autoconfig_enabled(n, 1);
    kick();
    return {};
}

kstd::ErrorOr<size_t> NetStack::find_interface(kstd::StringView name)
{
    for (size_t i = 0; i < g_count; ++i)
        if (kstd::StringView(g_interfaces[i]->name()) == name)
            return i;
    return err(ENODEV);
}

const char* NetStack::interface_name(size_t index) { return index < g_count ? g_interfaces[index]->name() : ""; }

NetStack::Ipv4 NetStack::ipv4(size_t index)
{
    netif* n = interface(index);
    if (!n)
        return { 0, 0, 0 };
    return { ip4_addr_get_u32(netif_ip4_addr(n)), ip4_addr_get_u32(netif_ip4_netmask(n)), ip4_addr_get_u32(netif_ip4_gw(n)) };
}

bool NetStack::wait_for_ipv4(size_t index, uint64_t deadline)
{
    netif* n = interface(index);
    while (n && ip4_addr_isany_val(*netif_ip4_addr(n))) {
        if (husk_plat_clock_monotonic() >= deadline)
            return false;
        addresses().wait(deadline);
    }
    return n != nullptr;
}

bool NetStack::wait_for_ipv6_global(size_t index, uint64_t deadline)
{
    netif* n = interface(index);
    auto has_global = [n] {
        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i)
            if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) && !ip6_addr_islinklocal(netif_ip6_addr(n, i)))
                return true;
        return false;
    };
    while (n && !has_global()) {
        if (husk_plat_clock_monotonic() >= deadline)
            return false;
        addresses().wait(deadline);
    }
    return n != nullptr;
}

bool NetStack::resolve_next_hop(uint32_t address, uint64_t deadline)
{
    ip4_addr_t to;
    ip4_addr_set_u32(&to, address);
    netif* n = ip4_route(&to);
    if (!n || !(n->flags & NETIF_FLAG_ETHARP))
        return n != nullptr; // no route, or a link without ARP (loopback)
    const ip4_addr_t* hop = ip4_addr_netcmp(&to, netif_ip4_addr(n), netif_ip4_netmask(n)) ? &to : netif_ip4_gw(n);
    bool asked = false;
    for (;;) {
        eth_addr* mac = nullptr;
        const ip4_addr_t* found = nullptr;
        if (etharp_find_addr(n, hop, &mac, &found) >= 0)
            return true;
        if (husk_plat_clock_monotonic() >= deadline)
            return false;
        if (!asked) {
            etharp_request(n, hop);
            asked = true;
            kick();
        }
        Scheduler::sleep_until(husk_plat_clock_monotonic() + 1000000); // 1 ms
    }
}

size_t NetStack::dns_servers(uint32_t* out, size_t max)
{
    size_t count = 0;
    for (u8_t i = 0; i < DNS_MAX_SERVERS && count < max; ++i) {
        const ip_addr_t* a = dns_getserver(i);
        if (IP_IS_V4(a) && !ip4_addr_isany(ip_2_ip4(a)))
            out[count++] = ip4_addr_get_u32(ip_2_ip4(a));
    }
    return count;
}

bool NetStack::ipv6_address(size_t index, size_t i, char* text, size_t size)
{
    netif* n = interface(index);
    if (!n || i >= LWIP_IPV6_NUM_ADDRESSES || ip6_addr_isinvalid(netif_ip6_addr_state(n, int(i))))
        return false;
    if (!ip6addr_ntoa_r(netif_ip6_addr(n, int(i)), text, int(size)))
        return false;
    for (char* c = text; *c; ++c) // lwIP writes upper case; Linux tools lower case
        if (*c >= 'A' && *c <= 'F')
            *c = char(*c - 'A' + 'a');
    return true;
}

} // namespace husk
