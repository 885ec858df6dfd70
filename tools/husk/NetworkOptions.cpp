#include "NetworkOptions.h"
#include "JsonText.h"
#include <arpa/inet.h>
#include <cstdlib>

namespace husk::tools {

namespace {
constexpr size_t kMaxInterfaces = 8; // the kernel's limit

std::vector<std::string> split(const std::string& s, char sep, size_t max_parts)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (parts.size() + 1 < max_parts) {
        size_t at = s.find(sep, start);
        if (at == std::string::npos)
            break;
        parts.push_back(s.substr(start, at - start));
        start = at + 1;
    }
    parts.push_back(s.substr(start));
    return parts;
}

bool is_ipv4(const std::string& text)
{
    in_addr a;
    return inet_pton(AF_INET, text.c_str(), &a) == 1;
}

bool parse_port(const std::string& text, unsigned& out)
{
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    out = unsigned(std::strtoul(text.c_str(), nullptr, 10));
    return out >= 1 && out <= 65535;
}

std::string json_pair(const char* key, const std::string& value) { return json_string(key) + ":" + json_string(value); }
} // namespace

std::string NetworkOptions::parse_config(const std::string& spec, Config& out)
{
    std::vector<std::string> p = split(spec, ',', 4);
    if (p.size() == 2 && p[0] == "inet" && p[1] == "dhcp") {
        out = { "inet", "dhcp", "", "", "" };
        return "";
    }
    if (p.size() == 2 && p[0] == "inet6" && p[1] == "auto") {
        out = { "inet6", "auto", "", "", "" };
        return "";
    }
    if (p.size() >= 3 && p[0] == "inet" && p[1] == "static") {
        size_t slash = p[2].find('/');
        if (slash == std::string::npos)
            return "'" + spec + "': the static address needs a prefix length, as in 10.0.2.15/24";
        std::string address = p[2].substr(0, slash), prefix = p[2].substr(slash + 1);
        if (!is_ipv4(address))
            return "'" + spec + "': '" + address + "' is not an IPv4 address";
        unsigned bits = 0;
        if (prefix.empty() || prefix.size() > 2 || prefix.find_first_not_of("0123456789") != std::string::npos
            || (bits = unsigned(std::atoi(prefix.c_str()))) > 32)
            return "'" + spec + "': the prefix length must be 0 to 32, not '" + prefix + "'";
        std::string gateway = p.size() == 4 ? p[3] : "";
        if (p.size() == 4 && !is_ipv4(gateway))
            return "'" + spec + "': the gateway '" + gateway + "' is not an IPv4 address";
        out = { "inet", "static", address, std::to_string(bits), gateway };
        return "";
    }
    return "'" + spec + "': expected inet,static,ADDR/PFX[,GATEWAY], inet,dhcp or inet6,auto";
}

NetworkOptions::Interface* NetworkOptions::find(const std::string& tag)
{
    for (auto& i : m_interfaces)
        if (i.tag == tag)
            return &i;
    return nullptr;
}

std::string NetworkOptions::add_n(const std::string& spec)
{
    Config c;
    if (std::string e = parse_config(spec, c); !e.empty())
        return "-n " + e;
    if (m_interfaces.size() == kMaxInterfaces)
        return "-n: at most " + std::to_string(kMaxInterfaces) + " network interfaces";
    m_interfaces.push_back({ "-n" + std::to_string(m_interfaces.size()), "user", { c } });
    return "";
}

std::string NetworkOptions::add_interface(const std::string& spec)
{
    std::vector<std::string> p = split(spec, ',', 3);
    if (p.size() < 2 || p[0].empty())
        return "-I '" + spec + "': expected IFTAG,IFBASE[,BACKEND]";
    if (find(p[0]))
        return "-I '" + spec + "': interface tag '" + p[0] + "' is used twice";
    if (m_target == Target::Hosted) {
        if (p[1] != "cable" && p[1] != "tap" && p[1] != "user")
            return "-I '" + spec + "': unknown interface type '" + p[1] + "' (a hosted kernel's are cable, tap and user)";
        if (m_interfaces.size() == kMaxInterfaces)
            return "-I: at most " + std::to_string(kMaxInterfaces) + " network interfaces";
        m_interfaces.push_back({ p[0], p[1] + (p.size() == 3 ? "," + p[2] : ""), {} });
        return "";
    }
    if (p[1] != "vioif")
        return "-I '" + spec + "': unknown interface type '" + p[1] + "' (Husk's is vioif, virtio-net)";
    std::string backend = p.size() == 3 ? p[2] : "";
    // rumprun passes QEMU's own words: "-net tap,ifname=tap0" or "-netdev ...".
    for (const char* prefix : { "-netdev ", "-net " })
        if (backend.rfind(prefix, 0) == 0)
            backend = backend.substr(std::string(prefix).size());
    if (backend.empty())
        backend = "user";
    std::string type = backend.substr(0, backend.find(','));
    if (type != "user" && type != "tap" && type != "bridge" && type != "socket" && type != "stream" && type != "dgram"
        && type != "vde" && type != "hubport")
        return "-I '" + spec + "': unknown QEMU network backend '" + type + "' (user, tap, bridge, socket, ...)";
    if (backend.find_first_of(" \t") != std::string::npos)
        return "-I '" + spec + "': the backend must be one -netdev spec without spaces";
    if (m_interfaces.size() == kMaxInterfaces)
        return "-I: at most " + std::to_string(kMaxInterfaces) + " network interfaces";
    m_interfaces.push_back({ p[0], backend, {} });
    return "";
}

std::string NetworkOptions::add_config(const std::string& spec)
{
    size_t comma = spec.find(',');
    if (comma == std::string::npos || comma == 0)
        return "-W '" + spec + "': expected IFTAG,inet,... or IFTAG,inet6,auto";
    Config c;
    if (std::string e = parse_config(spec.substr(comma + 1), c); !e.empty())
        return "-W " + e;
    m_pending.push_back({ spec.substr(0, comma), spec, c });
    return "";
}

std::string NetworkOptions::add_forward(const std::string& spec)
{
    std::string rest = spec, protocol = "tcp";
    if (rest.rfind("tcp:", 0) == 0 || rest.rfind("udp:", 0) == 0) {
        protocol = rest.substr(0, 3);
        rest = rest.substr(4);
    } else if (rest.size() > 4 && (rest.ends_with("/udp") || rest.ends_with("/tcp"))) {
        protocol = rest.substr(rest.size() - 3); // Docker's -p 1053:53/udp
        rest = rest.substr(0, rest.size() - 4);
    }
    std::vector<std::string> p = split(rest, ':', 3);
    Forward f { protocol, 0, 0 };
    if (p.size() != 2 || !parse_port(p[0], f.host_port) || !parse_port(p[1], f.guest_port))
        return "-P '" + spec + "': expected [tcp:|udp:]HOSTPORT:GUESTPORT (ports 1-65535)";
    for (const auto& other : m_forwards)
        if (other.protocol == f.protocol && other.host_port == f.host_port)
            return "-P '" + spec + "': host port " + p[0] + " is forwarded twice";
    m_forwards.push_back(f);
    return "";
}

std::string NetworkOptions::finish()
{
    for (const auto& p : m_pending) {
        Interface* i = find(p.tag);
        if (!i)
            return "-W " + p.spec + ": no interface '" + p.tag + "' (give it with -I " + p.tag
                   + (m_target == Target::Hosted ? ",cable|tap|user,...)" : ",vioif,...)");
        i->configs.push_back(p.config);
    }
    m_pending.clear();
    for (const auto& i : m_interfaces) {
        bool inet = false, inet6 = false;
        for (const auto& c : i.configs) {
            bool& seen = c.type == "inet" ? inet : inet6;
            if (seen)
                return "interface " + i.tag + " has two " + c.type + " configurations";
            seen = true;
        }
    }
    // Docker's `run -p 8080:80 image` needs no network flag: a forward
    // without any interface brings one on QEMU's user-mode network, as -n
    // inet,dhcp would (the only backend a forward can go through).
    if (!m_forwards.empty() && m_interfaces.empty() && m_target == Target::Qemu)
        m_interfaces.push_back({ "-n0", "user", { { "inet", "dhcp", "", "", "" } } });
    if (!m_forwards.empty()) {
        Interface* user = nullptr;
        for (auto& i : m_interfaces)
            if (!user && (i.backend == "user" || i.backend.rfind("user,", 0) == 0))
                user = &i;
        if (!user)
            return m_target == Target::Hosted ? "-P forwards through user-mode networking: give -n, or -I TAG,user"
                                              : "-P forwards through QEMU's user-mode network: add -n, or -I TAG,vioif,user";
        for (const auto& f : m_forwards)
            user->backend += ",hostfwd=" + f.protocol + ":127.0.0.1:" + std::to_string(f.host_port) + "-:"
                             + std::to_string(f.guest_port);
        m_forwards.clear();
    }
    return "";
}

std::vector<std::string> NetworkOptions::netdevs() const
{
    std::vector<std::string> specs;
    for (const auto& i : m_interfaces)
        specs.push_back(i.backend);
    return specs;
}

std::string NetworkOptions::kernel_name(size_t index) const
{
    if (m_target == Target::Qemu)
        return "vioif" + std::to_string(index);
    // The hosted platform numbers interfaces per kind, in attach order.
    std::string kind = m_interfaces[index].backend.substr(0, m_interfaces[index].backend.find(','));
    size_t n = 0;
    for (size_t i = 0; i < index; ++i)
        n += m_interfaces[i].backend.rfind(kind, 0) == 0 && (m_interfaces[i].backend.size() == kind.size()
                                                             || m_interfaces[i].backend[kind.size()] == ',');
    return kind + std::to_string(n);
}

std::string NetworkOptions::json() const
{
    std::string a = "[";
    for (size_t n = 0; n < m_interfaces.size(); ++n) {
        for (const auto& c : m_interfaces[n].configs) {
            std::string entry = "{" + json_pair("if", kernel_name(n)) + "," + json_pair("type", c.type) + ","
                                + json_pair("method", c.method);
            if (c.method == "static") {
                entry += "," + json_pair("addr", c.address) + "," + json_pair("mask", c.prefix);
                if (!c.gateway.empty())
                    entry += "," + json_pair("gw", c.gateway);
            }
            a += (a.size() > 1 ? "," : "") + entry + "}";
        }
    }
    return a + "]";
}

} // namespace husk::tools
