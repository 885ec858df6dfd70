#include "Ring.h"
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "Protocol.h"

namespace husk::remote {

namespace {
// The futex word is shared between processes: no FUTEX_PRIVATE_FLAG.
uint32_t* futex_word(std::atomic<uint32_t>& a) { return reinterpret_cast<uint32_t*>(&a); }

void futex_wake(std::atomic<uint32_t>& a) { syscall(SYS_futex, futex_word(a), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0); }

void futex_wait(std::atomic<uint32_t>& a, uint32_t seen, uint64_t ns)
{
    timespec t { time_t(ns / 1000000000), long(ns % 1000000000) };
    syscall(SYS_futex, futex_word(a), FUTEX_WAIT, seen, &t, nullptr, 0);
}

bool map_ring(int memfd, void*& map, RingHeader*& header, char*& data)
{
    map = mmap(nullptr, kRingBytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (map == MAP_FAILED) {
        map = nullptr;
        return false;
    }
    header = static_cast<RingHeader*>(map);
    data = static_cast<char*>(map) + kRingHeaderBytes;
    return true;
}
} // namespace

uint64_t ring_now_ns()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

ServerRing::~ServerRing()
{
    if (m_map)
        munmap(m_map, kRingBytes);
    if (m_memfd >= 0)
        close(m_memfd);
    if (m_doorbell >= 0)
        close(m_doorbell);
}

std::string ServerRing::create()
{
    m_memfd = memfd_create("husk-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (m_memfd < 0)
        return std::string("memfd_create: ") + std::strerror(errno);
    // Sealed at its size: a client's ftruncate cannot make our accesses fault (SIGBUS).
    if (ftruncate(m_memfd, off_t(kRingBytes)) != 0
        || fcntl(m_memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
        return std::string("sealing the ring: ") + std::strerror(errno);
    m_doorbell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_doorbell < 0)
        return std::string("eventfd: ") + std::strerror(errno);
    if (!map_ring(m_memfd, m_map, m_header, m_data))
        return std::string("mapping the ring: ") + std::strerror(errno);
    return "";
}

bool ServerRing::take(std::string& frame)
{
    // Each shared field is read once; what we act on is our own copy.
    uint32_t seq = m_header->request_seq.load(std::memory_order_acquire);
    Request req;
    std::memcpy(&req, m_data, sizeof req);
    if (req.length > kRingDataBytes - sizeof req)
        return false;
    frame.resize(sizeof req + req.length);
    std::memcpy(frame.data(), &req, sizeof req);
    std::memcpy(frame.data() + sizeof req, m_data + sizeof req, req.length);
    m_served = seq;
    return true;
}

void ServerRing::answered()
{
    m_header->response_seq.store(m_served, std::memory_order_seq_cst);
    if (m_header->client_asleep.load(std::memory_order_seq_cst))
        futex_wake(m_header->response_seq);
}

bool ServerRing::going_to_sleep()
{
    // Dekker with the client's post(): it stores request_seq and then
    // reads server_asleep; we store server_asleep and then read request_seq.
    m_header->server_asleep.store(1, std::memory_order_seq_cst);
    return m_header->request_seq.load(std::memory_order_seq_cst) != m_served;
}

void ServerRing::woke() { m_header->server_asleep.store(0, std::memory_order_relaxed); }

void ServerRing::drain_doorbell()
{
    eventfd_t n;
    (void)!eventfd_read(m_doorbell, &n);
}

ClientRing::~ClientRing()
{
    if (m_map)
        munmap(m_map, kRingBytes);
    if (m_memfd >= 0)
        close(m_memfd);
    if (m_doorbell >= 0)
        close(m_doorbell);
}

bool ClientRing::attach(int memfd, int doorbell)
{
    m_memfd = memfd;
    m_doorbell = doorbell;
    // Only a ring of the agreed size, sealed against shrinking, is safe to touch.
    off_t size = lseek(memfd, 0, SEEK_END);
    int seals = fcntl(memfd, F_GET_SEALS);
    if (size != off_t(kRingBytes) || seals < 0 || !(seals & F_SEAL_SHRINK))
        return false;
    if (!map_ring(memfd, m_map, m_header, m_data))
        return false;
    // A forked child does not inherit the mapping: the ring is the parent's
    // conversation, and a child that wrote to it would answer for it.
    madvise(m_map, kRingBytes, MADV_DONTFORK);
    m_seq = m_header->request_seq.load(std::memory_order_relaxed);
    return true;
}

void ClientRing::abandon_after_fork()
{
    if (m_memfd >= 0)
        close(m_memfd);
    if (m_doorbell >= 0)
        close(m_doorbell);
    m_memfd = m_doorbell = -1;
    m_map = nullptr; // not mapped in the child (MADV_DONTFORK)
    m_header = nullptr;
    m_data = nullptr;
}

void ClientRing::post()
{
    m_header->request_seq.store(++m_seq, std::memory_order_seq_cst);
    if (m_header->server_asleep.load(std::memory_order_seq_cst))
        (void)!eventfd_write(m_doorbell, 1);
}

int ClientRing::wait(unsigned timeout_s, int socket_fd)
{
    auto done = [&] { return m_header->response_seq.load(std::memory_order_acquire) == m_seq; };
    uint64_t start = ring_now_ns(), budget = m_spin.budget();
    for (unsigned i = 0; budget && !done(); ++i) {
        ring_pause();
        if ((i & 15) == 15 && ring_now_ns() - start > budget)
            break;
    }
    if (budget)
        m_spin.caught(done());
    while (!done()) {
        m_header->client_asleep.store(1, std::memory_order_seq_cst);
        uint32_t seen = m_header->response_seq.load(std::memory_order_seq_cst);
        if (seen != m_seq)
            futex_wait(m_header->response_seq, seen, 100'000'000);
        m_header->client_asleep.store(0, std::memory_order_relaxed);
        if (done())
            break;
        // The server never writes to the socket while it owes a ring
        // response: anything there is its end.
        pollfd p { socket_fd, POLLIN, 0 };
        if (poll(&p, 1, 0) != 0)
            return -EPIPE;
        if (timeout_s && ring_now_ns() - start > uint64_t(timeout_s) * 1000000000u)
            return -ETIMEDOUT;
    }
    return 0;
}

} // namespace husk::remote
