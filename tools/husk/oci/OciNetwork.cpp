#include "OciNetwork.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace husk::tools::oci {
namespace {

constexpr const char* kTap = "tap0_husk";

struct Link {
    std::string name, address, gateway, mac;
    unsigned prefix = 0;
    int mtu = 0;
};

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// The first interface with an IPv4 address that is not loopback (podman's
// eth0). false: loopback only.
bool find_link(Link* out)
{
    ifaddrs* all = nullptr;
    if (getifaddrs(&all) != 0)
        return false;
    bool found = false;
    for (ifaddrs* a = all; a && !found; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK))
            continue;
        char text[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
        out->name = a->ifa_name;
        out->address = text;
        uint32_t mask = a->ifa_netmask ? ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr) : 0;
        out->prefix = unsigned(__builtin_popcount(mask));
        found = true;
    }
    freeifaddrs(all);
    return found;
}

// The default route's gateway through IFACE, from the namespace's
// /proc/self/net/route (net-tools' source; the addresses are in network order).
std::string default_gateway(const std::string& iface)
{
    std::ifstream in("/proc/self/net/route");
    std::string line;
    std::getline(in, line); // the header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name, destination, gateway;
        if (!(fields >> name >> destination >> gateway) || name != iface || destination != "00000000")
            continue;
        in_addr a { uint32_t(std::strtoul(gateway.c_str(), nullptr, 16)) };
        if (a.s_addr == 0)
            continue;
        char text[INET_ADDRSTRLEN];
        return inet_ntop(AF_INET, &a, text, sizeof text);
    }
    return "";
}

// Runs tc with ARGS; "" or its complaint.
std::string run_tc(std::vector<std::string> args)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return errno_text("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(out[1], 2);
        std::vector<char*> argv { const_cast<char*>("tc") };
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp("tc", argv.data());
        for (const char* path : { "/usr/sbin/tc", "/sbin/tc" })
            execv(path, argv.data());
        std::printf("cannot run tc (install iproute2): %s\n", std::strerror(errno));
        std::fflush(stdout);
        _exit(127);
    }
    close(out[1]);
    std::string said;
    char buf[512];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;)
        said.append(buf, size_t(n));
    close(out[0]);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return errno_text("tc");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return "";
    std::string command = "tc";
    for (const auto& a : args)
        command += " " + a;
    while (!said.empty() && said.back() == '\n')
        said.pop_back();
    return command + ": " + (said.empty() ? "failed" : said);
}

// Every frame that arrives on FROM leaves through TO.
std::string redirect(const std::string& from, const std::string& to)
{
    if (std::string e = run_tc({ "qdisc", "add", "dev", from, "ingress" }); !e.empty())
        return e;
    return run_tc({ "filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0",
                    "action", "mirred", "egress", "redirect", "dev", to });
}

// A TAP (with virtio-net headers, so QEMU can hand segmentation and
// checksums to the host) that lives as long as its descriptor: QEMU's.
std::string open_tap(const Link& link, int* fd)
{
    *fd = open("/dev/net/tun", O_RDWR); // no O_CLOEXEC: husk run and QEMU inherit it
    if (*fd < 0)
        return errno_text("/dev/net/tun");
    ifreq req {};
    std::strncpy(req.ifr_name, kTap, IFNAMSIZ - 1);
    req.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(*fd, TUNSETIFF, &req) != 0)
        return errno_text(std::string("creating the TAP device ") + kTap);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq up {};
    std::strncpy(up.ifr_name, kTap, IFNAMSIZ - 1);
    up.ifr_mtu = link.mtu;
    bool ok = s >= 0 && (link.mtu <= 0 || ioctl(s, SIOCSIFMTU, &up) == 0) && ioctl(s, SIOCGIFFLAGS, &up) == 0;
    up.ifr_flags = short(up.ifr_flags | IFF_UP);
    ok = ok && ioctl(s, SIOCSIFFLAGS, &up) == 0;
    std::string why = ok ? "" : errno_text(std::string("bringing ") + kTap + " up");
    if (s >= 0)
        close(s);
    return why;
}

// eth0's MAC and MTU: the guest's interface takes them over.
std::string read_link(Link* link)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errno_text("socket");
    ifreq req {};
    std::strncpy(req.ifr_name, link->name.c_str(), IFNAMSIZ - 1);
    bool ok = ioctl(s, SIOCGIFHWADDR, &req) == 0;
    if (ok && req.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
        const auto* b = reinterpret_cast<const unsigned char*>(req.ifr_hwaddr.sa_data);
        char text[18];
        std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        link->mac = text;
    }
    ok = ok && ioctl(s, SIOCGIFMTU, &req) == 0;
    link->mtu = ok ? req.ifr_mtu : 0;
    std::string why = ok ? "" : errno_text(link->name);
    close(s);
    return why;
}

std::vector<std::string> nameservers(const std::string& resolv_conf)
{
    std::vector<std::string> servers;
    std::ifstream in(resolv_conf);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string key, address;
        in_addr a;
        if (words >> key >> address && key == "nameserver" && inet_pton(AF_INET, address.c_str(), &a) == 1)
            servers.push_back(address);
    }
    return servers;
}

} // namespace

std::string join_network(const std::string& netns, const std::string& resolv_conf, std::vector<std::string>* options)
{
    int ns = open(netns.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0)
        return errno_text("the network namespace " + netns);
    int joined = setns(ns, CLONE_NEWNET);
    close(ns);
    if (joined != 0)
        return errno_text("joining the network namespace " + netns);
    Link link;
    if (!find_link(&link))
        return ""; // loopback only: no network
    link.gateway = default_gateway(link.name);
    int tap = -1;
    if (std::string e = read_link(&link); !e.empty())
        return e;
    if (std::string e = open_tap(link, &tap); !e.empty())
        return e;
    if (std::string e = redirect(link.name, kTap); !e.empty())
        return e;
    if (std::string e = redirect(kTap, link.name); !e.empty())
        return e;
    std::vector<std::string> words { "-I", "if0,vioif,tap,fd=" + std::to_string(tap), "-W",
                                     "if0,inet,static," + link.address + "/" + std::to_string(link.prefix)
                                         + (link.gateway.empty() ? "" : "," + link.gateway) };
    if (!link.mac.empty()) // the engine's bridge and neighbours know eth0's
        words.insert(words.end(), { "-g", "-global virtio-net-device.mac=" + link.mac });
    for (const auto& server : nameservers(resolv_conf))
        words.insert(words.end(), { "--append", "dns=" + server });
    options->insert(options->end(), words.begin(), words.end());
    return "";
}

} // namespace husk::tools::oci
