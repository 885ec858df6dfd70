// Where a husk server listens and a client connects: unix:PATH or
// tcp:HOST:PORT, checked in one place so both sides agree and every
// malformed address gets a message instead of an exception.
#pragma once

#include <netinet/in.h>
#include <string>

namespace husk::remote {

struct Address {
    bool is_unix = false;
    std::string path; // unix: the socket's path
    sockaddr_in inet {}; // tcp: resolved IPv4 address and port
    // tcp:A.B.C.D:PORT with the numeric address (and the bound port, once bound).
    std::string text() const;
};

// "" on success; otherwise why the address is unusable. HOST is an IPv4
// address or a name that resolves to one (localhost: 127.0.0.1); PORT is
// 0..65535 in decimal (0 only where allow_any_port: the kernel picks).
std::string parse_address(const std::string& spec, Address& out, bool allow_any_port = false);

} // namespace husk::remote
