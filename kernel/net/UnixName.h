// The name of an AF_UNIX socket as Linux reports it (getsockname,
// getpeername, recvfrom): the sockaddr_un bytes given to bind. A path name
// is found again through its socket file's inode (the path may be reached
// another way, or renamed); an abstract name (sun_path[0] == 0) by its bytes.
#pragma once

#include "../abi/Linux.h"
#include "../kstd/ErrorOr.h"
#include "SocketAddress.h"

namespace husk {

class FileSystem;
class Process;

struct UnixName {
    linux::sockaddr_un address { linux::AF_UNIX, {} };
    uint32_t length { 2 }; // only sun_family: an unnamed socket
    FileSystem* fs { nullptr };
    uint64_t ino { 0 };

    bool is_named() const { return length > 2; }
    bool is_abstract() const { return is_named() && address.sun_path[0] == 0; }
    bool same(const UnixName& other) const;

    // A sockaddr_un from a program: EINVAL when malformed. A path is cut at
    // its first NUL, as Linux does; the length then counts one NUL.
    static kstd::ErrorOr<UnixName> from(const SocketAddress& addr);
    // The name autobind gives (bind with only sun_family): "\0" and five
    // hex digits, unique among bound sockets.
    static UnixName autobind(uint32_t serial);
    // The name as a sockaddr (an unnamed socket's: only sun_family).
    SocketAddress to_socket_address() const { return SocketAddress::of(&address, length); }
    // The path of a path name, NUL-terminated.
    const char* path() const { return address.sun_path; }
};

} // namespace husk
