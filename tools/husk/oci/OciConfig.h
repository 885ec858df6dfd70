// husk oci: a bundle's config.json (the OCI runtime specification) made
// into the husk run command line that boots it as a microVM.
#pragma once

#include <string>
#include <vector>

namespace husk::tools::oci {

struct BundleRun {
    std::string platform = "qemu";     // husk run's: qemu (TCG) or kvm (husk oci --platform)
    std::vector<std::string> run_args; // husk run's options and PROGRAM ARGS (after "run")
    std::string rootfs;                // the root directory on the host
    bool readonly_root = false;        // root.readonly (the guest's overlay takes writes either way)
    bool terminal = false;             // process.terminal: a pty, its master sent to --console-socket
    std::string netns;                 // the network namespace's path (linux.namespaces), "" for none
    std::string resolv_conf;           // the container's /etc/resolv.conf on the host (the guest's DNS servers)
    std::vector<std::string> warnings; // what was accepted but not done
    std::string annotations_json = "{}";
};

// Reads BUNDLE/config.json. "" and *out filled, or the problem, naming
// the field (e.g. "config.json: process.args: wants a non-empty array of strings").
std::string read_bundle(const std::string& bundle, BundleRun* out);

} // namespace husk::tools::oci
