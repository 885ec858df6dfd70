#include "Session.h"
#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <husk/husk.h>
#include <sys/syscall.h>
#include <vector>
#include "Protocol.h"
#include "Ring.h"
#include "Token.h"

namespace husk::remote {

namespace {
// What a remote client may ask for, and the shape of each call: which
// arguments are pointers (each must be a buffer of the request, or NULL —
// a raw address would reach into the server's own memory), which argument
// bounds a buffer's use (it may not exceed the buffer), and the size a
// buffer the kernel fills with a structure must have. File, namespace and
// information calls only: nothing that could block on what only another
// client provides (pipes, poll, futex) or that concerns the server itself.
struct Shape {
    long nr;
    uint8_t pointers;  // bit i: argument i is a pointer
    int8_t bound[6];   // for pointer i: the argument holding its byte count, or -1
    uint16_t size[6];  // for pointer i: the least size of its buffer
};
constexpr int8_t N = -1;
constexpr uint16_t kStat = 144, kStatfs = 120, kSysinfo = 112, kUtsname = 390, kTimes = 32, kStatx = 256,
                   kFlock = 32;
constexpr Shape kShapes[] = {
    { SYS_read, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_write, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_pread64, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_pwrite64, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_openat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_close, 0, { N, N, N, N, N, N }, {} },
    { SYS_lseek, 0, { N, N, N, N, N, N }, {} },
    { SYS_newfstatat, 0b110, { N, N, N, N, N, N }, { 0, 0, kStat } },
    { SYS_fstat, 0b10, { N, N, N, N, N, N }, { 0, kStat } },
    { SYS_statx, 0b10010, { N, N, N, N, N, N }, { 0, 0, 0, 0, kStatx } },
    { SYS_getdents64, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_mkdirat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_unlinkat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_renameat, 0b1010, { N, N, N, N, N, N }, {} },
    { SYS_renameat2, 0b1010, { N, N, N, N, N, N }, {} },
    { SYS_symlinkat, 0b101, { N, N, N, N, N, N }, {} },
    { SYS_readlinkat, 0b110, { N, N, 3, N, N, N }, {} },
    { SYS_linkat, 0b1010, { N, N, N, N, N, N }, {} },
    { SYS_fchmodat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_fchmod, 0, { N, N, N, N, N, N }, {} },
    { SYS_fchownat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_utimensat, 0b110, { N, N, N, N, N, N }, { 0, 0, kTimes } },
    { SYS_ftruncate, 0, { N, N, N, N, N, N }, {} },
    { SYS_truncate, 0b1, { N, N, N, N, N, N }, {} },
    { SYS_fsync, 0, { N, N, N, N, N, N }, {} },
    { SYS_fdatasync, 0, { N, N, N, N, N, N }, {} },
    { SYS_sync, 0, { N, N, N, N, N, N }, {} },
    { SYS_syncfs, 0, { N, N, N, N, N, N }, {} },
    { SYS_statfs, 0b11, { N, N, N, N, N, N }, { 0, kStatfs } },
    { SYS_fstatfs, 0b10, { N, N, N, N, N, N }, { 0, kStatfs } },
    { SYS_mount, 0b10111, { N, N, N, N, N, N }, {} },
    { SYS_umount2, 0b1, { N, N, N, N, N, N }, {} },
    { SYS_syslog, 0b10, { N, 2, N, N, N, N }, {} },
    { SYS_sysinfo, 0b1, { N, N, N, N, N, N }, { kSysinfo } },
    { SYS_uname, 0b1, { N, N, N, N, N, N }, { kUtsname } },
    { SYS_getcwd, 0b1, { 1, N, N, N, N, N }, {} },
    { SYS_chdir, 0b1, { N, N, N, N, N, N }, {} },
    { SYS_fchdir, 0, { N, N, N, N, N, N }, {} },
    { SYS_dup, 0, { N, N, N, N, N, N }, {} },
    { SYS_dup3, 0, { N, N, N, N, N, N }, {} },
    { SYS_faccessat, 0b10, { N, N, N, N, N, N }, {} },
    { SYS_getpid, 0, { N, N, N, N, N, N }, {} },
    { SYS_umask, 0, { N, N, N, N, N, N }, {} },
};

// Sockets serve ifconfig and route: created nonblocking (a read must never
// wait), and only the interface and routing ioctls on them (struct ifreq
// or struct rtentry, whose rt_dev pointer the kernel ignores; SIOCGIFCONF
// carries a raw pointer and is not served).
constexpr uint16_t kIfreq = 40, kRtentry = 120;
constexpr Shape kSocket { SYS_socket, 0, { N, N, N, N, N, N }, {} };
constexpr Shape kIoctlIfreq { SYS_ioctl, 0b100, { N, N, N, N, N, N }, { 0, 0, kIfreq } };
constexpr Shape kIoctlRoute { SYS_ioctl, 0b100, { N, N, N, N, N, N }, { 0, 0, kRtentry } };
constexpr long kSockNonblock = 04000;

// fcntl's third argument is a number or a struct flock, by command.
constexpr Shape kFcntlNumber { SYS_fcntl, 0, { N, N, N, N, N, N }, {} };
constexpr Shape kFcntlLock { SYS_fcntl, 0b100, { N, N, N, N, N, N }, { 0, 0, kFlock } };

const Shape* shape_of(const Request& req)
{
    if (req.nr == SYS_socket)
        return (req.args[1] & kSockNonblock) ? &kSocket : nullptr;
    if (req.nr == SYS_ioctl) {
        unsigned long request = req.args[1];
        if (request == 0x890B || request == 0x890C) // SIOCADDRT, SIOCDELRT
            return &kIoctlRoute;
        if ((request & ~0xffUL) == 0x8900 && request != 0x8912) // SIOC*, not SIOCGIFCONF
            return &kIoctlIfreq;
        return nullptr;
    }
    if (req.nr == SYS_fcntl) {
        switch (int(req.args[1])) {
        case F_DUPFD:
        case F_DUPFD_CLOEXEC:
        case F_GETFD:
        case F_SETFD:
        case F_GETFL:
        case F_SETFL:
            return &kFcntlNumber;
        case F_GETLK:
        case F_SETLK:
        case F_SETLKW:
        case F_OFD_GETLK:
        case F_OFD_SETLK:
        case F_OFD_SETLKW:
            return &kFcntlLock;
        default:
            return nullptr;
        }
    }
    for (const Shape& s : kShapes)
        if (s.nr == req.nr)
            return &s;
    return nullptr;
}
} // namespace

bool Session::is_socket(long fd) const
{
    struct stat st {};
    return husk_syscall_as(m_pid, SYS_fstat, fd, long(&st), 0, 0, 0, 0) == 0 && S_ISSOCK(st.st_mode);
}

bool Session::feed(const char* data, size_t length, bool pressure)
{
    m_in.append(data, length);
    if (m_in.size() > 2 * kMaxBytes)
        return false;
    return run(pressure);
}

namespace {
// The most a request's reply can carry (its OUT buffers); execute() checks the rest.
size_t reply_bound(const char* frame)
{
    Request req;
    std::memcpy(&req, frame, sizeof req);
    if (req.segments > kMaxSegments || req.length < req.segments * sizeof(Segment))
        return 0;
    size_t total = 0;
    for (uint32_t i = 0; i < req.segments; ++i) {
        Segment s;
        std::memcpy(&s, frame + sizeof req + i * sizeof s, sizeof s);
        total += (s.flags & kOut) ? s.length : 0;
    }
    return total;
}
} // namespace

bool Session::greet()
{
    size_t need = sizeof(Hello) + (m_auth ? sizeof(Auth) : 0);
    if (m_in.size() < need)
        return true;
    Hello h;
    std::memcpy(&h, m_in.data(), sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version < kOldestVersion || h.version > kVersion)
        return false;
    Hello reply {};
    std::memcpy(reply.magic, kMagic, sizeof kMagic);
    reply.version = h.version; // the client's own: a version 2 client gets version 2 answers
    reply.pid = uint32_t(m_pid);
    if (m_auth && !m_token.empty() && !same_token(m_in.data() + sizeof h, m_token.data())) {
        std::memcpy(reply.magic, kRefusedMagic, sizeof kRefusedMagic);
        reply.pid = kRefusedToken;
        m_out.append(reinterpret_cast<const char*>(&reply), sizeof reply);
        return false;
    }
    m_in.erase(0, need);
    m_greeted = true;
    m_out.append(reinterpret_cast<const char*>(&reply), sizeof reply);
    if (h.version >= 3) {
        RingOffer offer {};
        if ((h.pid & kWantRing) && m_make_ring && m_make_ring())
            offer.ring_bytes = uint32_t(kRingBytes);
        m_out.append(reinterpret_cast<const char*>(&offer), sizeof offer);
    }
    return true;
}

// A whole request is buffered.
bool Session::complete() const
{
    if (!m_greeted || m_in.size() < sizeof(Request))
        return false;
    Request req;
    std::memcpy(&req, m_in.data(), sizeof req);
    return m_in.size() >= sizeof req + req.length;
}

bool Session::run(bool pressure)
{
    if (!m_greeted) {
        if (!greet())
            return false; // not the protocol, or refused (the refusal is in the output)
        if (!m_greeted)
            return true; // the rest of the greeting is still to come
    }
    size_t done = 0;
    while (!m_halt && m_out.size() < kOutputBound && m_in.size() - done >= sizeof(Request)) {
        Request req;
        std::memcpy(&req, m_in.data() + done, sizeof req);
        if (req.length > kMaxBytes + kMaxSegments * sizeof(Segment))
            return false;
        if (m_in.size() - done < sizeof req + req.length)
            break; // wait for the rest
        if (pressure && reply_bound(m_in.data() + done) > kSmallReply)
            break; // until the server has room again
        if (!execute(m_in.data() + done))
            return false;
        done += sizeof req + req.length;
    }
    m_in.erase(0, done);
    if (m_in.empty() && m_in.capacity() > (1u << 20))
        std::string().swap(m_in); // an idle connection holds no large buffer
    return true;
}

// Whether the request's buffers fit the call: every pointer argument a
// buffer or NULL, no buffer elsewhere, counts within their buffers,
// structures given room enough.
bool fits(const Shape& shape, const Request& req, const Segment* segs)
{
    const Segment* at[6] = {};
    for (uint32_t i = 0; i < req.segments; ++i) {
        if (!(shape.pointers & (1u << segs[i].arg)))
            return false;
        at[segs[i].arg] = &segs[i];
    }
    for (unsigned a = 0; a < 6; ++a) {
        if (!(shape.pointers & (1u << a)))
            continue;
        if (!at[a]) {
            if (req.args[a] != 0)
                return false;
            continue;
        }
        if (at[a]->length < shape.size[a])
            return false;
        if (shape.bound[a] >= 0 && req.args[shape.bound[a]] > at[a]->length)
            return false;
    }
    return true;
}

namespace {
// A request's private buffers. One thread runs every request, one at a
// time: the server keeps one set, up to kKeptBuffer each, so a stream of
// large reads or writes does not map, fault in and unmap fresh pages for
// every request.
std::vector<char> g_buffers[kMaxSegments];
constexpr size_t kKeptBuffer = (4u << 20) + 1;
} // namespace

bool Session::execute_in_ring(const std::string& frame, char* area, size_t capacity)
{
    if (frame.size() < sizeof(Request))
        return false;
    Request req;
    std::memcpy(&req, frame.data(), sizeof req);
    // The server's own operations go over the socket (a halt is answered
    // only once the disks are unmounted), and the answer must fit the ring.
    if (req.nr < 0 || frame.size() != sizeof req + req.length || sizeof(Response) + reply_bound(frame.data()) > capacity)
        return false;
    return execute(frame.data(), area);
}

// Checks one complete request, runs it and appends the response (or, with
// `area`, writes it there: the ring); false when it is malformed.
bool Session::execute(const char* frame, char* area)
{
    Request req;
    std::memcpy(&req, frame, sizeof req);
    const char* body = frame + sizeof req;
    if (req.segments > kMaxSegments || req.length < req.segments * sizeof(Segment))
        return false;
    Segment segs[kMaxSegments];
    std::memcpy(segs, body, req.segments * sizeof(Segment));
    const char* data = body + req.segments * sizeof(Segment);
    size_t data_len = req.length - req.segments * sizeof(Segment);
    uint64_t total = 0, in_total = 0;
    unsigned used_args = 0;
    for (uint32_t i = 0; i < req.segments; ++i) {
        const Segment& s = segs[i];
        if (s.arg >= 6 || (used_args & (1u << s.arg)) || !s.flags || (s.flags & ~(kIn | kOut | kOutCount))
            || ((s.flags & kOutCount) && !(s.flags & kOut)) || s.reserved)
            return false;
        used_args |= 1u << s.arg;
        total += s.length;
        if (s.flags & kIn)
            in_total += s.length;
    }
    if (total > kMaxBytes || in_total != data_len)
        return false;
    Response resp {};
    // Where each buffer is: a private one, or (answering into the ring) an
    // OUT-only buffer's slot there, which the kernel fills directly — only
    // the client's own reply is in reach of the client's changes.
    char* where[kMaxSegments] = {};
    size_t slot[kMaxSegments] = {};
    for (uint32_t i = 0, at = sizeof(Response); i < req.segments; ++i)
        if (segs[i].flags & kOut) {
            slot[i] = at;
            at += segs[i].length;
        }
    uint64_t args[6];
    std::memcpy(args, req.args, sizeof args);
    if (req.nr == kOpHalt) {
        m_halt = true;
    } else if (const Shape* shape = shape_of(req); !shape) {
        resp.result = -ENOSYS;
    } else if (!fits(*shape, req, segs)) {
        resp.result = -EFAULT; // a raw address, a buffer too small, or one where no pointer goes
    } else {
        size_t at = 0;
        for (uint32_t i = 0; i < req.segments; ++i) {
            if (area && segs[i].flags == kOut) {
                where[i] = area + slot[i];
                std::memset(where[i], 0, segs[i].length); // the whole of it is sent
            } else if (area && segs[i].flags == (kOut | kOutCount)) {
                where[i] = area + slot[i]; // only what the call wrote is sent
            } else {
                // +1: a pointer even for empty buffers, and a zero after each.
                g_buffers[i].assign(size_t(segs[i].length) + 1, 0);
                where[i] = g_buffers[i].data();
                if (segs[i].flags & kIn) {
                    std::memcpy(where[i], data + at, segs[i].length);
                    at += segs[i].length;
                }
            }
            args[segs[i].arg] = reinterpret_cast<uint64_t>(where[i]);
        }
        // One thread serves every client: a lock wait would stop them all
        // (and could wait for a client that is itself waiting for an
        // answer). F_SETLKW takes a free range at once; a busy one is
        // ENOLCK, the "no lock available" of lock servers that cannot wait.
        bool lock_wait = req.nr == SYS_fcntl && (args[1] == F_SETLKW || args[1] == F_OFD_SETLKW);
        // A socket stays nonblocking (see kSocket).
        if (req.nr == SYS_fcntl && args[1] == F_SETFL && !(args[2] & O_NONBLOCK))
            args[2] |= is_socket(long(args[0])) ? O_NONBLOCK : 0;
        if (lock_wait)
            args[1] = args[1] == F_SETLKW ? F_SETLK : F_OFD_SETLK;
        resp.result = husk_syscall_as(m_pid, long(req.nr), long(args[0]), long(args[1]), long(args[2]), long(args[3]),
                                      long(args[4]), long(args[5]));
        if (lock_wait && resp.result == -EAGAIN)
            resp.result = -ENOLCK;
    }
    size_t lengths[kMaxSegments] = {};
    if (resp.result >= 0) {
        for (uint32_t i = 0; i < req.segments; ++i) {
            if (!(segs[i].flags & kOut) || !where[i])
                continue;
            lengths[i] = segs[i].length;
            if ((segs[i].flags & kOutCount) && uint64_t(resp.result) < lengths[i])
                lengths[i] = size_t(resp.result);
            resp.length += uint32_t(lengths[i]);
        }
    }
    if (area) {
        std::memcpy(area, &resp, sizeof resp);
        for (uint32_t i = 0; i < req.segments; ++i)
            if (lengths[i] && where[i] != area + slot[i])
                std::memcpy(area + slot[i], where[i], lengths[i]);
    } else {
        // The reply goes straight into the output, as large as it is.
        m_out.append(reinterpret_cast<const char*>(&resp), sizeof resp);
        for (uint32_t i = 0; i < req.segments; ++i)
            if (lengths[i])
                m_out.append(where[i], lengths[i]);
    }
    for (uint32_t i = 0; i < req.segments; ++i)
        if (g_buffers[i].capacity() > kKeptBuffer)
            std::vector<char>().swap(g_buffers[i]);
    return true;
}

} // namespace husk::remote
