// husk oci: the container's network namespace, joined the way Kata
// Containers joins it. The engine made the namespace and its interface
// (podman's eth0: one end of a veth whose other end is on the engine's
// bridge); QEMU runs inside it with a TAP device beside eth0, and tc
// redirects every frame arriving on either to the other (ingress qdiscs,
// u32 match-all filters, mirred egress redirect). The guest takes over
// eth0's MAC, IPv4 address, prefix and gateway, so the engine's bridge,
// NAT and port forwards (podman run -p) reach it unchanged.
#pragma once

#include <string>
#include <vector>

namespace husk::tools::oci {

// In the child that is about to exec husk run: joins the network
// namespace at NETNS, connects a TAP to its interface and appends husk
// run's options for it to *options (-I on the TAP's descriptor, which
// stays open across exec, -W with eth0's address, its MAC, dns= words
// from the nameservers in RESOLV_CONF, if that file exists). A namespace
// with no interface but loopback (podman --network none) appends nothing:
// the guest has no network, as before. "" or what failed.
std::string join_network(const std::string& netns, const std::string& resolv_conf, std::vector<std::string>* options);

} // namespace husk::tools::oci
