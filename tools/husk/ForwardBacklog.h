// QEMU's user-mode port forwards (libslirp's hostfwd, husk run -P) listen
// with a backlog of 1: a burst of connects overflows the host's accept
// queue, the host drops the SYNs and the clients retry after 1, 3, 7 s.
// Linux changes a listening socket's backlog when listen() is called on it
// again, so husk run takes a copy of each forward's socket from QEMU
// (pidfd_getfd: QEMU is its child) and calls listen(SOMAXCONN) on it. The
// data path stays QEMU's own: no proxy, no extra copy.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace husk::tools {

// One hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT option of
// a user-mode -netdev spec (ForwardBacklog and Ipv6Forward read them).
struct HostForward {
    bool udp;
    std::string host_address; // "" when the rule names none
    unsigned host_port;
};
std::vector<HostForward> host_forwards(const std::vector<std::string>& netdevs);

class ForwardBacklog {
public:
    // The TCP host ports of the hostfwd= rules in QEMU's -netdev specs.
    explicit ForwardBacklog(const std::vector<std::string>& netdevs);
    ~ForwardBacklog();
    ForwardBacklog(const ForwardBacklog&) = delete;
    ForwardBacklog& operator=(const ForwardBacklog&) = delete;

    // Widens the backlog of the forwards QEMU (pid) has opened so far.
    // Call it until done(): QEMU opens them while it starts. Gives up
    // after a few seconds, or when the host refuses pidfd_getfd (then
    // the forwards keep QEMU's backlog, as before).
    void widen(pid_t qemu);
    bool done() const { return m_ports.empty(); }
    // A poll timeout that brings the caller back soon while not done.
    int poll_ms(int wait_ms) const { return done() || wait_ms < 10 ? wait_ms : 10; }

    // The ports of hostfwd rules (exposed for tests).
    static std::vector<unsigned> tcp_host_ports(const std::vector<std::string>& netdevs);

private:
    std::vector<unsigned> m_ports; // not widened yet
    int m_pidfd { -1 };
    double m_started { 0 }; // the first try, monotonic seconds
};

} // namespace husk::tools
