// husk run's network flags, rumprun's forms: -n (a new interface with the
// default backend, QEMU's user-mode network), -I (an interface with a
// chosen backend), -W (an address configuration for an -I interface) and
// -P (a host port forwarded to the guest through the user-mode network).
// Everything is checked before QEMU starts; the result is QEMU's -netdev
// specs and the kernel's "net" configuration (docs/networking.md).
#pragma once

#include <string>
#include <vector>

namespace husk::tools {

class NetworkOptions {
public:
    // For whom: QEMU (husk run: vioif interfaces, -netdev backends) or a
    // hosted kernel (husk server: -I TAG,cable|tap|user[,OPTIONS], the
    // specs husk_attach_net takes).
    enum class Target { Qemu, Hosted };
    explicit NetworkOptions(Target target = Target::Qemu) : m_target(target) {}

    // Each returns "" or an error message naming the problem.
    std::string add_n(const std::string& spec);       // inet,dhcp | inet,static,ADDR/PFX[,GW] | inet6,auto
    std::string add_interface(const std::string& spec); // -I IFTAG,IFBASE,BACKEND
    std::string add_config(const std::string& spec);  // -W IFTAG,inet,... | IFTAG,inet6,auto
    std::string add_forward(const std::string& spec); // -P [tcp:|udp:]HOSTPORT:GUESTPORT
    // Checks the whole: every -W names an -I, no interface is configured
    // twice for a family, -P has a user-mode interface.
    std::string finish();

    bool empty() const { return m_interfaces.empty(); }
    // QEMU -netdev specs (without id), interface i is the guest's vioif<i>;
    // for a hosted kernel, husk_attach_net specs.
    std::vector<std::string> netdevs() const;
    // The kernel's "net" value: a JSON array.
    std::string json() const;

private:
    struct Config {
        std::string type, method, address, prefix, gateway;
    };
    struct Interface {
        std::string tag;
        std::string backend; // a -netdev spec: "user", "tap,ifname=tap0,script=no"
        std::vector<Config> configs;
    };
    struct Forward {
        std::string protocol;
        unsigned host_port, guest_port;
    };
    static std::string parse_config(const std::string& spec, Config& out);
    Interface* find(const std::string& tag);
    std::string kernel_name(size_t index) const; // vioif0, cable0, user1, ...

    Target m_target;

    std::vector<Interface> m_interfaces;
    struct Pending { // a -W, checked; its interface may come later
        std::string tag, spec;
        Config config;
    };
    std::vector<Pending> m_pending;
    std::vector<Forward> m_forwards;
};

} // namespace husk::tools
