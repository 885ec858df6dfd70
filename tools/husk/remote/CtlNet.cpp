// husk ctl ifconfig and route: the server kernel's interfaces and routes,
// read and changed the way net-tools does it on Linux (interface ioctls
// on a socket, /proc/net/route), printed in net-tools' formats.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "CtlCommands.h"

namespace husk::remote::ctl {

namespace {

std::string ipv4_text(const sockaddr& a)
{
    char text[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
    return text;
}

bool parse_ipv4(const std::string& text, sockaddr& out)
{
    sockaddr_in a {};
    a.sin_family = AF_INET;
    if (inet_pton(AF_INET, text.c_str(), &a.sin_addr) != 1)
        return false;
    std::memcpy(&out, &a, sizeof a);
    return true;
}

std::string flag_names(int flags)
{
    static const struct {
        int bit;
        const char* name;
    } names[] = { { IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_LOOPBACK, "LOOPBACK" },
                  { IFF_RUNNING, "RUNNING" }, { IFF_MULTICAST, "MULTICAST" } };
    std::string s;
    for (auto& n : names)
        if (flags & n.bit)
            s += (s.empty() ? "" : ",") + std::string(n.name);
    return s;
}

// One interface as net-tools' ifconfig prints it (without counters: the
// kernel keeps none yet).
void show(Kernel& k, long fd, const char* name)
{
    ifreq r {};
    std::strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    long flags = k.ioctl(fd, SIOCGIFFLAGS, &r, sizeof r) == 0 ? r.ifr_flags & 0xffff : 0;
    int mtu = k.ioctl(fd, SIOCGIFMTU, &r, sizeof r) == 0 ? r.ifr_mtu : 0;
    std::printf("%s: flags=%ld<%s>  mtu %d\n", name, flags, flag_names(int(flags)).c_str(), mtu);
    if (k.ioctl(fd, SIOCGIFADDR, &r, sizeof r) == 0) {
        std::string address = ipv4_text(r.ifr_addr);
        k.ioctl(fd, SIOCGIFNETMASK, &r, sizeof r);
        std::string mask = ipv4_text(r.ifr_netmask);
        std::printf("        inet %s  netmask %s", address.c_str(), mask.c_str());
        if ((flags & IFF_BROADCAST) && k.ioctl(fd, SIOCGIFBRDADDR, &r, sizeof r) == 0)
            std::printf("  broadcast %s", ipv4_text(r.ifr_broadaddr).c_str());
        std::printf("\n");
    }
    if (flags & IFF_LOOPBACK) {
        std::printf("        loop  (Local Loopback)\n");
    } else if (k.ioctl(fd, SIOCGIFHWADDR, &r, sizeof r) == 0) {
        auto* m = reinterpret_cast<const unsigned char*>(r.ifr_hwaddr.sa_data);
        std::printf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet)\n", m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    std::printf("\n");
}

long open_socket(Kernel& k) { return k.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC); }

} // namespace

// ifconfig [-a] | IFACE | IFACE [ADDR] [netmask MASK] [up|down]
int cmd_ifconfig(Kernel& k, const std::vector<std::string>& args)
{
    long fd = open_socket(k);
    if (fd < 0)
        return complain("socket", fd);
    std::vector<std::string> a = args;
    if (!a.empty() && a[0] == "-a")
        a.erase(a.begin());
    int status = 0;
    if (a.empty()) { // every interface, by index (lo is 1)
        for (int index = 1;; ++index) {
            ifreq r {};
            r.ifr_ifindex = index;
            if (k.ioctl(fd, SIOCGIFNAME, &r, sizeof r) != 0)
                break;
            show(k, fd, r.ifr_name);
        }
    } else if (a.size() == 1) {
        ifreq r {};
        std::strncpy(r.ifr_name, a[0].c_str(), IFNAMSIZ - 1);
        if (long e = k.ioctl(fd, SIOCGIFFLAGS, &r, sizeof r); e < 0)
            status = complain(a[0], e);
        else
            show(k, fd, a[0].c_str());
    } else {
        for (size_t i = 1; i < a.size() && status == 0; ++i) {
            ifreq r {};
            std::strncpy(r.ifr_name, a[0].c_str(), IFNAMSIZ - 1);
            long e = 0;
            if (a[i] == "up" || a[i] == "down") {
                if ((e = k.ioctl(fd, SIOCGIFFLAGS, &r, sizeof r)) == 0) {
                    r.ifr_flags = short(a[i] == "up" ? r.ifr_flags | IFF_UP : r.ifr_flags & ~IFF_UP);
                    e = k.ioctl(fd, SIOCSIFFLAGS, &r, sizeof r);
                }
            } else if (a[i] == "netmask" && i + 1 < a.size()) {
                if (!parse_ipv4(a[++i], r.ifr_netmask))
                    return complain(a[i], -EINVAL);
                e = k.ioctl(fd, SIOCSIFNETMASK, &r, sizeof r);
            } else if (parse_ipv4(a[i], r.ifr_addr)) {
                e = k.ioctl(fd, SIOCSIFADDR, &r, sizeof r);
            } else {
                std::fprintf(stderr, "husk ctl: ifconfig: %s: unknown argument (ADDR, netmask MASK, up, down)\n", a[i].c_str());
                return 2;
            }
            if (e < 0)
                status = complain(a[0], e);
        }
    }
    k.close(fd);
    return status;
}

// route [-n] | route add default gw ADDR | route del default
int cmd_route(Kernel& k, const std::vector<std::string>& args)
{
    std::vector<std::string> a = args;
    if (!a.empty() && a[0] == "-n")
        a.erase(a.begin());
    if (a.empty()) {
        long fd = k.open("/proc/net/route", O_RDONLY);
        if (fd < 0)
            return complain("/proc/net/route", fd);
        std::string text;
        char buf[4096];
        for (long n; (n = k.read(fd, buf, sizeof buf)) > 0;)
            text.append(buf, size_t(n));
        k.close(fd);
        std::printf("Kernel IP routing table\n");
        std::printf("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
        size_t at = text.find('\n'); // the header
        while (at != std::string::npos && at + 1 < text.size()) {
            size_t end = text.find('\n', at + 1);
            std::string line = text.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
            at = end;
            char iface[17];
            unsigned dst, gw, flags, mask;
            int refcnt, use, metric;
            if (std::sscanf(line.c_str(), "%16s %x %x %x %d %d %d %x", iface, &dst, &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
                continue;
            auto text_of = [](unsigned v) {
                char t[INET_ADDRSTRLEN];
                in_addr a { v };
                inet_ntop(AF_INET, &a, t, sizeof t);
                return std::string(t);
            };
            std::string f = std::string(flags & RTF_UP ? "U" : "") + (flags & RTF_GATEWAY ? "G" : "");
            std::printf("%-15s %-15s %-15s %-5s %-6d %-2d %7d %s\n", text_of(dst).c_str(), text_of(gw).c_str(),
                        text_of(mask).c_str(), f.c_str(), metric, refcnt, use, iface);
        }
        return 0;
    }
    bool add = a[0] == "add", del = a[0] == "del";
    if (!((add && a.size() == 4 && a[1] == "default" && a[2] == "gw") || (del && a.size() == 2 && a[1] == "default"))) {
        std::fprintf(stderr, "husk ctl: route: expected 'route add default gw ADDR' or 'route del default'\n");
        return 2;
    }
    rtentry r {};
    sockaddr_in any {};
    any.sin_family = AF_INET;
    std::memcpy(&r.rt_dst, &any, sizeof any);
    std::memcpy(&r.rt_genmask, &any, sizeof any);
    r.rt_flags = RTF_UP;
    if (add) {
        if (!parse_ipv4(a[3], r.rt_gateway))
            return complain(a[3], -EINVAL);
        r.rt_flags |= RTF_GATEWAY;
    }
    long fd = open_socket(k);
    if (fd < 0)
        return complain("socket", fd);
    long e = k.ioctl(fd, add ? SIOCADDRT : SIOCDELRT, &r, sizeof r);
    k.close(fd);
    return e < 0 ? complain(add ? "SIOCADDRT" : "SIOCDELRT", e) : 0;
}

} // namespace husk::remote::ctl
