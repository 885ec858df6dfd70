#include "CableNic.h"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace husk::hosted {

namespace {
// recv() gives 0 both for an empty record and at the end of a connection:
// only the end sets POLLRDHUP.
bool hung_up(int fd)
{
    pollfd q { fd, POLLRDHUP, 0 };
    return poll(&q, 1, 0) > 0 && (q.revents & (POLLRDHUP | POLLHUP | POLLERR));
}


bool make_address(const std::string& path, sockaddr_un& a)
{
    std::memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (path.size() >= sizeof a.sun_path)
        return false;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    return true;
}

std::string mac_text(const uint8_t* mac)
{
    char text[13];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return text;
}

} // namespace

int CableNic::create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error)
{
    const std::string* dir = spec.get("path");
    if (!dir || dir->empty()) {
        error = "cable needs path=DIR (the directory every station of the cable shares)";
        return -EINVAL;
    }
    for (auto& [key, value] : spec.options)
        if (key != "path") {
            error = "cable: unknown option '" + key + "' (only path=DIR)";
            return -EINVAL;
        }
    std::unique_ptr<CableNic> nic(new CableNic(std::move(name)));
    if (int r = nic->listen_on(*dir, error); r < 0)
        return r;
    nic->connect_to_stations(*dir);
    out = std::move(nic);
    return 0;
}

CableNic::~CableNic()
{
    for (auto& p : m_peers)
        close(p.fd);
    if (m_listener >= 0) {
        close(m_listener);
        unlink(m_path.c_str());
    }
}

int CableNic::listen_on(const std::string& dir, std::string& error)
{
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        error = "cable: cannot create " + dir + ": " + std::strerror(errno);
        return -errno;
    }
    m_path = dir + "/" + mac_text(m_mac);
    sockaddr_un a;
    if (!make_address(m_path, a)) {
        error = "cable: the path " + m_path + " is too long for a unix socket";
        return -ENAMETOOLONG;
    }
    m_listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listener < 0 || bind(m_listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(m_listener, 64) != 0) {
        int e = errno;
        error = "cable: cannot listen on " + m_path + ": " + std::strerror(e);
        return -e;
    }
    return 0;
}

void CableNic::connect_to_stations(const std::string& dir)
{
    DIR* d = opendir(dir.c_str());
    if (!d)
        return;
    while (dirent* e = readdir(d)) {
        std::string path = dir + "/" + e->d_name;
        if (e->d_name[0] == '.' || path == m_path)
            continue;
        sockaddr_un a;
        if (!make_address(path, a))
            continue;
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            add_peer(fd);
            continue;
        }
        if (errno == ECONNREFUSED) // its station is gone
            unlink(path.c_str());
        close(fd);
    }
    closedir(d);
}

void CableNic::add_peer(int fd)
{
    int size = 1 << 20; // a TCP window in flight (capped by wmem_max)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    m_peers.push_back(Peer { fd, {}, false });
}

void CableNic::drop_peer(size_t index)
{
    close(m_peers[index].fd);
    m_peers.erase(m_peers.begin() + long(index));
    if (m_next >= m_peers.size())
        m_next = 0;
}

bool CableNic::send_to(Peer& peer, const uint8_t* frame, size_t len)
{
    ssize_t n = ::send(peer.fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    // A full peer drops the frame (Ethernet's way); a gone one is forgotten.
    return n >= 0 || errno == EAGAIN || errno == ENOBUFS || errno == EINTR;
}

int CableNic::send(const uint8_t* frame, size_t len)
{
    bool group = frame[0] & 1;
    if (!group)
        for (size_t i = 0; i < m_peers.size(); ++i)
            if (m_peers[i].mac_known && std::memcmp(m_peers[i].mac, frame, 6) == 0) {
                if (!send_to(m_peers[i], frame, len))
                    drop_peer(i);
                return 0;
            }
    for (size_t i = m_peers.size(); i-- > 0;)
        if (!send_to(m_peers[i], frame, len))
            drop_peer(i);
    return 0;
}

long CableNic::receive(uint8_t* buf, size_t len)
{
    uint8_t big[kMaxFrame];
    size_t tries = m_peers.size();
    while (tries > 0 && !m_peers.empty()) {
        if (m_next >= m_peers.size())
            m_next = 0;
        Peer& p = m_peers[m_next];
        ssize_t n = recv(p.fd, big, sizeof big, MSG_DONTWAIT | MSG_TRUNC);
        if (n == 0 && !hung_up(p.fd))
            continue; // an empty record: garbage, not the end
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            drop_peer(m_next);
            tries = m_peers.size();
            continue;
        }
        if (n < 0) {
            ++m_next;
            --tries;
            continue;
        }
        // Frames too short or too long to be Ethernet are a peer's garbage.
        if (n < 14 || size_t(n) > sizeof big)
            continue;
        std::memcpy(p.mac, big + 6, 6);
        p.mac_known = !(big[6] & 1);
        if (!accepts(big, size_t(n)) || size_t(n) > len)
            continue;
        std::memcpy(buf, big, size_t(n));
        return n;
    }
    return -EAGAIN;
}

void CableNic::add_poll_fds(std::vector<pollfd>& fds)
{
    fds.push_back({ m_listener, POLLIN, 0 });
    for (auto& p : m_peers)
        fds.push_back({ p.fd, POLLIN, 0 });
}

bool CableNic::after_poll(const pollfd* fds, size_t count)
{
    bool frames = false;
    for (size_t i = 1; i < count; ++i)
        frames = frames || fds[i].revents;
    if (count && (fds[0].revents & POLLIN))
        for (int fd; (fd = accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;)
            add_peer(fd);
    return frames;
}

} // namespace husk::hosted
