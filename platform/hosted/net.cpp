// The hosted kernel's network interfaces (husk_plat_net_*): a registry of
// HostNic backends attached before boot by husk_attach_net.
#include <husk/platform.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/random.h>
#include "CableNic.h"
#include "HostNic.h"
#include "SlirpNic.h"
#include "TapNic.h"

namespace husk::hosted {

namespace {

std::vector<std::unique_ptr<HostNic>>& nics()
{
    static std::vector<std::unique_ptr<HostNic>> n;
    return n;
}

// Interfaces are named by kind and number: cable0, tap0, user1, ...
std::string next_name(const std::string& kind)
{
    size_t n = 0;
    for (auto& nic : nics())
        if (nic->name().rfind(kind, 0) == 0)
            ++n;
    return kind + std::to_string(n);
}

} // namespace

HostNic::HostNic(std::string name)
    : m_name(std::move(name))
{
    // A random, locally administered unicast address.
    if (getrandom(m_mac, sizeof m_mac, 0) != sizeof m_mac)
        std::memcpy(m_mac, "\x02\x00\x00\x00\x00\x01", 6);
    m_mac[0] = uint8_t((m_mac[0] & 0xfe) | 0x02);
}

bool HostNic::accepts(const uint8_t* frame, size_t len) const
{
    if (len < 14)
        return false;
    bool group = frame[0] & 1; // broadcast and multicast
    return group || std::memcmp(frame, m_mac, 6) == 0;
}

const std::string* NicSpec::get(const std::string& key) const
{
    for (auto& [k, v] : options)
        if (k == key)
            return &v;
    return nullptr;
}

NicSpec parse_nic_spec(const std::string& spec)
{
    NicSpec s;
    size_t at = 0;
    bool first = true;
    while (at <= spec.size()) {
        size_t comma = spec.find(',', at);
        std::string word = spec.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        if (first) {
            s.kind = word;
            first = false;
        } else {
            size_t eq = word.find('=');
            s.options.emplace_back(word.substr(0, eq), eq == std::string::npos ? "" : word.substr(eq + 1));
        }
        if (comma == std::string::npos)
            break;
        at = comma + 1;
    }
    return s;
}

int attach_nic(const std::string& text, std::string& error)
{
    NicSpec spec = parse_nic_spec(text);
    std::unique_ptr<HostNic> nic;
    int r = -EINVAL;
    if (spec.kind == "cable")
        r = CableNic::create(spec, next_name("cable"), nic, error);
    else if (spec.kind == "tap")
        r = TapNic::create(spec, next_name("tap"), nic, error);
    else if (spec.kind == "user")
        r = SlirpNic::create(spec, next_name("user"), nic, error);
    else
        error = "unknown network backend '" + spec.kind + "' (cable,path=DIR | tap,ifname=NAME | user[,hostfwd=...])";
    if (r < 0)
        return r;
    nics().push_back(std::move(nic));
    return int(nics().size() - 1);
}

size_t nic_count() { return nics().size(); }
HostNic* nic(size_t index) { return index < nics().size() ? nics()[index].get() : nullptr; }

} // namespace husk::hosted

using husk::hosted::nic;

extern "C" int husk_plat_net_info(unsigned dev, husk_net_info* info)
{
    auto* n = nic(dev);
    if (!n)
        return -ENODEV;
    std::memset(info, 0, sizeof *info);
    std::strncpy(info->name, n->name().c_str(), sizeof info->name - 1);
    std::memcpy(info->mac, n->mac(), 6);
    info->mtu = 1500;
    info->max_frame = husk::hosted::HostNic::kMaxFrame;
    return 0;
}

extern "C" int husk_plat_net_reserve(unsigned dev, size_t len, void** buf)
{
    auto* n = nic(dev);
    if (!n)
        return -ENODEV;
    n->reserved = false;
    if (len > husk::hosted::HostNic::kMaxFrame)
        return -EINVAL;
    n->reserved = true;
    *buf = n->outgoing();
    return 0;
}

extern "C" int husk_plat_net_commit(unsigned dev, size_t len, const husk_net_tx* tx)
{
    auto* n = nic(dev);
    if (!n)
        return -ENODEV;
    bool reserved = n->reserved;
    n->reserved = false;
    if (len == 0 && reserved)
        return 0;
    if (!reserved || len < 14 || len > husk::hosted::HostNic::kMaxFrame)
        return -EINVAL;
    if (tx && (tx->csum_start || tx->gso_size)) // no offloads offered
        return -EINVAL;
    return n->send(n->outgoing(), len);
}

extern "C" long husk_plat_net_recv(unsigned dev, void* buf, size_t len)
{
    auto* n = nic(dev);
    return n ? n->receive(static_cast<uint8_t*>(buf), len) : -ENODEV;
}
