// What the interposed functions share: calls into the server with their
// buffers, and errno conversion.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string>
#include <sys/syscall.h>
#include "../husk/remote/Protocol.h"
#include "Connection.h"
#include "PathRouter.h"
#include "RemoteFds.h"
#include "RealCalls.h"

namespace husk::hijack {

using Buffer = remote::Client::Buffer;
// Most a single read or write moves (the protocol allows 16 MiB a request);
// a shorter count is a valid answer.
inline constexpr size_t kChunk = 4u << 20;

inline long to_errno(long r)
{
    if (r < 0) {
        errno = int(-r);
        return -1;
    }
    return r;
}
inline Buffer in(unsigned arg, const void* p, size_t n) { return { arg, remote::kIn, const_cast<void*>(p), n }; }
inline Buffer out(unsigned arg, void* p, size_t n) { return { arg, remote::kOut, p, n }; }
inline Buffer out_count(unsigned arg, void* p, size_t n) { return { arg, remote::kOut | remote::kOutCount, p, n }; }
inline Buffer path_arg(unsigned arg, const std::string& p) { return in(arg, p.c_str(), p.size() + 1); }
inline uint64_t word(long v) { return uint64_t(v); }

// Opens in the server and returns the host descriptor standing for it.
int remote_open(const Route& r, int flags, unsigned mode);
// After a dup2 onto 0, 1 or 2 made it remote: stdin, stdout or stderr
// becomes a stream on it (glibc's own stream writes past this library).
void rebind_standard_stream(int fd);

} // namespace husk::hijack
