#include "TapNic.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace husk::hosted {

int TapNic::create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error)
{
    const std::string* ifname = spec.get("ifname");
    for (auto& [key, value] : spec.options)
        if (key != "ifname") {
            error = "tap: unknown option '" + key + "' (only ifname=NAME)";
            return -EINVAL;
        }
    if (!ifname || ifname->empty() || ifname->size() >= IFNAMSIZ) {
        error = "tap needs ifname=NAME (a host interface name of at most 15 characters)";
        return -EINVAL;
    }
    std::unique_ptr<TapNic> nic(new TapNic(std::move(name)));
    nic->m_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (nic->m_fd < 0) {
        int e = errno;
        error = std::string("tap: cannot open /dev/net/tun: ") + std::strerror(e);
        return -e;
    }
    ifreq ifr {};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::memcpy(ifr.ifr_name, ifname->c_str(), ifname->size());
    if (ioctl(nic->m_fd, TUNSETIFF, &ifr) != 0) {
        int e = errno;
        error = "tap: cannot attach host interface " + *ifname + ": " + std::strerror(e) +
                (e == EPERM ? " (needs CAP_NET_ADMIN, or a TAP made with `ip tuntap add ... user`)" : "");
        return -e;
    }
    out = std::move(nic);
    return 0;
}

TapNic::~TapNic()
{
    if (m_fd >= 0)
        close(m_fd);
}

int TapNic::send(const uint8_t* frame, size_t len)
{
    ssize_t n = write(m_fd, frame, len);
    if (n < 0 && errno != EAGAIN && errno != EINTR && errno != EIO) // EIO: the host interface is down
        return -EINVAL;
    return 0;
}

long TapNic::receive(uint8_t* buf, size_t len)
{
    // The host may hand over anything up to its interface's MTU.
    uint8_t* frame = m_frame.data();
    for (;;) {
        ssize_t n = read(m_fd, frame, m_frame.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -EAGAIN;
        if (size_t(n) > len || !accepts(frame, size_t(n)))
            continue; // larger than our MTU, or not for us: dropped
        std::memcpy(buf, frame, size_t(n));
        return n;
    }
}

void TapNic::add_poll_fds(std::vector<pollfd>& fds) { fds.push_back({ m_fd, POLLIN, 0 }); }

bool TapNic::after_poll(const pollfd* fds, size_t count) { return count && fds[0].revents; }

} // namespace husk::hosted
