// husk server: a hosted Husk kernel in its own process serving remote
// clients (rump_server's job). Each connection is a process in the kernel
// with its own descriptors and working directory; requests are checked
// before anything runs, and bad ones close only their connection.
#pragma once

#include <string>
#include <vector>

namespace husk::remote {

struct Disk {
    std::string key;  // the name -m refers to
    std::string path; // the host file
    bool read_only = false;
};

struct Mount {
    std::string key;        // a Disk's key
    std::string mountpoint; // where it appears in the kernel
};

struct ServerOptions {
    std::vector<Disk> disks;
    std::vector<Mount> mounts;
    std::string listen; // unix:PATH or tcp:HOST:PORT (checked by parse_address)
    std::string token_file; // tcp: where the token goes ("" : default_token_file)
    bool insecure = false;  // tcp without a token (a warning says why not to)
    size_t max_connections = 4096;
    bool foreground = false;
    std::string config; // kernel command-line words
    std::vector<std::string> interfaces; // husk_attach_net specs
};

// Boots the kernel, mounts, listens and serves until halted (husk ctl halt
// or SIGTERM/SIGINT), then syncs and unmounts. Returns the exit status.
int serve(const ServerOptions& options);

} // namespace husk::remote
