// The one connection of a hijacked program to husk server (HUSK_SERVER),
// made on first use and shared by its threads. A forked child starts a
// connection (and a process in the server) of its own: descriptors opened
// before the fork belong to the parent's and turn EBADF in the child.
#pragma once

#include <cstdint>
#include <vector>
#include "../husk/remote/Client.h"

namespace husk::hijack {

class Connection {
public:
    // Runs a system call in the server as this program's process; the raw
    // result (negative errno; -ENOTCONN without a server, said once on stderr).
    static long call(long nr, std::vector<uint64_t> args, const std::vector<remote::Client::Buffer>& buffers = {});
    // Changes at every fork: remote descriptors carry the generation they were opened in.
    static unsigned generation();
};

} // namespace husk::hijack
