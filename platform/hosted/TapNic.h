// A host TAP device as the hosted kernel's interface (rump's virtif): the
// host sees an Ethernet interface it can address, bridge or route. Needs
// CAP_NET_ADMIN (or a persistent TAP owned by the caller).
#pragma once

#include <memory>
#include "HostNic.h"

namespace husk::hosted {

class TapNic final : public HostNic {
public:
    static int create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error);
    ~TapNic() override;

    int send(const uint8_t* frame, size_t len) override;
    long receive(uint8_t* buf, size_t len) override;
    void add_poll_fds(std::vector<pollfd>& fds) override;
    bool after_poll(const pollfd* fds, size_t count) override;

private:
    explicit TapNic(std::string name) : HostNic(std::move(name)) {}
    int m_fd = -1;
    std::vector<uint8_t> m_frame = std::vector<uint8_t>(65536); // not on a kernel thread's stack
};

} // namespace husk::hosted
