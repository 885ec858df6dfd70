// One platform Ethernet device as an lwIP network interface: frames out
// through husk_plat_net_send, frames in (pulled by the network thread)
// into lwIP.
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

private:
    EthernetInterface() = default;
    static signed char init(netif* n);
    static signed char link_output(netif* n, pbuf* p);
    netif m_netif {};
    unsigned m_dev { 0 };
    char m_name[16] {};
    uint16_t m_mtu { 1500 };
};

} // namespace husk
