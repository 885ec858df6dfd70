// A virtual cable between hosted kernels (rump's shmif, in spirit): every
// kernel attached to the same directory is on one Ethernet segment. Each
// listens on DIR/<its MAC> (a unix SOCK_SEQPACKET socket, one frame per
// record) and connects to those already there, so each pair of stations
// shares one connection. Frames go where their destination was last seen,
// or to everyone (broadcast, unknown station), like a learning switch. No
// privileges needed; a station that dies leaves a socket file the next
// one to find it removes.
#pragma once

#include <memory>
#include "HostNic.h"

namespace husk::hosted {

class CableNic final : public HostNic {
public:
    static int create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error);
    ~CableNic() override;

    int send(const uint8_t* frame, size_t len) override;
    long receive(uint8_t* buf, size_t len) override;
    void add_poll_fds(std::vector<pollfd>& fds) override;
    bool after_poll(const pollfd* fds, size_t count) override;

private:
    struct Peer {
        int fd;
        uint8_t mac[6];
        bool mac_known;
    };
    explicit CableNic(std::string name) : HostNic(std::move(name)) {}
    int listen_on(const std::string& dir, std::string& error);
    void connect_to_stations(const std::string& dir);
    void add_peer(int fd);
    void drop_peer(size_t index);
    bool send_to(Peer& peer, const uint8_t* frame, size_t len);

    std::string m_path;
    int m_listener = -1;
    std::vector<Peer> m_peers;
    size_t m_next = 0; // round robin over peers when receiving
};

} // namespace husk::hosted
