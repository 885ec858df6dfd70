// A network interface of the hosted kernel: Ethernet frames to and from
// something on the host (a cable between hosted kernels, a TAP device,
// libslirp). The idle loop polls every interface's descriptors, so a frame
// wakes the kernel as a NIC's interrupt does on bare metal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <poll.h>
#include <string>
#include <utility>
#include <vector>

namespace husk::hosted {

class HostNic {
public:
    // The largest frame carried: Ethernet with a VLAN tag, without the FCS.
    static constexpr size_t kMaxFrame = 1514 + 4;

    virtual ~HostNic() = default;

    // One frame out: 0 (also when the host cannot take it now: dropped, as
    // a busy NIC drops it; TCP resends), or a negative errno.
    virtual int send(const uint8_t* frame, size_t len) = 0;
    // One frame in: its length, or -EAGAIN when none waits. Frames that are
    // not for this station, or larger than len, are dropped.
    virtual long receive(uint8_t* buf, size_t len) = 0;

    // Descriptors whose readiness means work for this interface.
    virtual void add_poll_fds(std::vector<pollfd>& fds) = 0;
    // Called after every poll with the entries it added; true when frames
    // may be waiting now.
    virtual bool after_poll(const pollfd* fds, size_t count) = 0;

    const std::string& name() const { return m_name; }
    const uint8_t* mac() const { return m_mac; }

    // Where the kernel builds its next frame (husk_plat_net_reserve): the
    // backends write frames out at once, so one buffer serves.
    uint8_t* outgoing() { return m_outgoing; }
    bool reserved = false;

protected:
    explicit HostNic(std::string name);

    // Unicast frames for other stations are not ours (a NIC's filter).
    bool accepts(const uint8_t* frame, size_t len) const;

    std::string m_name;
    uint8_t m_mac[6] {};
    uint8_t m_outgoing[kMaxFrame] {};
};

// "kind,key=value,..." split into the kind and its options.
struct NicSpec {
    std::string kind;
    std::vector<std::pair<std::string, std::string>> options;
    const std::string* get(const std::string& key) const;
};
NicSpec parse_nic_spec(const std::string& spec);

// Attaches an interface described like a QEMU -netdev: "cable,path=DIR",
// "tap,ifname=NAME", "user[,hostfwd=...][,restrict=on]". Returns its index
// or a negative errno, with `error` naming the problem.
int attach_nic(const std::string& spec, std::string& error);
size_t nic_count();
HostNic* nic(size_t index);

} // namespace husk::hosted
