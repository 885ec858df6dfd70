// The remote-client protocol of husk server (docs/remote-protocol.md):
// system calls by number with their argument buffers, over a stream socket,
// little-endian, versioned. Shared by the server and husk ctl.
#pragma once

#include <cstdint>

namespace husk::remote {

inline constexpr char kMagic[8] = { 'H', 'U', 'S', 'K', 'R', 'P', 'C', '1' };
inline constexpr uint32_t kVersion = 3;
inline constexpr uint32_t kOldestVersion = 2; // the server still serves it (no ring)

// Both sides send one first; the server's carries the connection's pid,
// the client's (version 3) the transports it would like (kWant*).
struct Hello {
    char magic[8];
    uint32_t version;
    uint32_t pid;
};
inline constexpr uint32_t kWantRing = 1; // a shared-memory ring (unix sockets only)

// Version 3: the server's Hello is followed by its answer to kWantRing.
// With ring_bytes != 0 the same message carries (SCM_RIGHTS) the ring's
// memfd and its doorbell eventfd (Ring.h); 0 means the socket alone.
struct RingOffer {
    uint32_t ring_bytes;
    uint32_t reserved;
};

// Over TCP the client's Hello is followed by its token (docs/security.md):
// 64 hex digits, zeros when it has none (a server started --insecure).
struct Auth {
    char token[64];
};

// A server that will not serve a connection answers its Hello with this
// magic, the version and the reason in pid, then closes it.
inline constexpr char kRefusedMagic[8] = { 'H', 'U', 'S', 'K', 'D', 'E', 'N', 'Y' };
enum Refusal : uint32_t {
    kRefusedToken = 1,       // a missing or wrong token
    kRefusedConnections = 2, // the server's connection limit, or its descriptors, are used up
    kRefusedProcesses = 3,   // the kernel has no process left for it
};

// Buffer flags: the server copies IN data from the request into the
// buffer, and sends OUT buffers back (all of it, or with OUT_COUNT only the
// first `result` bytes when the call succeeded).
inline constexpr uint32_t kIn = 1, kOut = 2, kOutCount = 4;

struct Segment {
    uint32_t arg;    // which argument (0..5) becomes a pointer to the buffer
    uint32_t flags;  // kIn | kOut | kOutCount
    uint32_t length; // bytes
    uint32_t reserved;
};

struct Request {
    uint32_t length;    // bytes after this header: the segments, then IN data
    uint32_t segments;  // at most kMaxSegments
    int64_t nr;         // the Linux system call number, or a kOp* (negative)
    uint64_t args[6];
};

struct Response {
    int64_t result;  // the raw result (negative errno on failure)
    uint32_t length; // OUT data that follows, segment after segment
    uint32_t reserved;
};

inline constexpr uint32_t kMaxSegments = 6;
inline constexpr uint32_t kMaxBytes = 16u << 20; // per request, in and out alike
// Operations of the server itself.
inline constexpr int64_t kOpHalt = -1; // sync, unmount every file system, stop

} // namespace husk::remote
