// QEMU 7.2's user-mode port forwards (libslirp's hostfwd, husk run -P/-p)
// listen on IPv4 only: hostfwd takes no IPv6 address. Docker publishes a
// port on both families, and `curl http://localhost:8080/` tries ::1
// first, so husk run also listens on [::1]:HOSTPORT and relays each
// connection (and each UDP client's datagrams) to QEMU's 127.0.0.1:HOSTPORT,
// as docker-proxy does. The guest sees the connection arrive from the
// user-mode gateway, as it does for the IPv4 forward.
#pragma once

#include <string>
#include <thread>
#include <vector>

namespace husk::tools {

class Ipv6Forward {
public:
    struct Rule {
        bool udp;
        unsigned port; // the same host port on ::1 and 127.0.0.1
    };

    // Listens on [::1] for each hostfwd rule bound to 127.0.0.1 in QEMU's
    // -netdev specs, and relays in a thread of its own until destroyed.
    // A port that cannot be had on ::1 (the host has no IPv6, or another
    // program holds it) is left out: the IPv4 forward works as before.
    explicit Ipv6Forward(const std::vector<std::string>& netdevs);
    ~Ipv6Forward();
    Ipv6Forward(const Ipv6Forward&) = delete;
    Ipv6Forward& operator=(const Ipv6Forward&) = delete;

    // The rules of the hostfwd= options (exposed for tests).
    static std::vector<Rule> rules(const std::vector<std::string>& netdevs);

private:
    void relay();

    std::vector<std::pair<Rule, int>> m_listeners;
    int m_stop { -1 }; // an eventfd: the destructor's word to the thread
    std::thread m_thread;
};

} // namespace husk::tools
