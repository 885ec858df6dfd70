// The shared-memory transport of the remote protocol (docs/remote-protocol.md,
// "Shared ring"): a sealed memfd the server creates and hands to a local
// client at the greeting, holding one request or its response at a time,
// with an eventfd doorbell towards the server and a futex towards the client.
// Both sides spin briefly before they sleep: a request that follows its
// predecessor closely costs no wakeup at all.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace husk::remote {

// The first page of the ring; the data area follows it. Every field is the
// other side's to change at any time: the server reads each once.
struct RingHeader {
    std::atomic<uint32_t> request_seq;  // the client bumps it once a request is in the data area
    std::atomic<uint32_t> response_seq; // the server sets it to request_seq once the response is (the client's futex)
    std::atomic<uint32_t> server_asleep; // the server is (about to be) in poll: ring the doorbell
    std::atomic<uint32_t> client_asleep; // the client is (about to be) in FUTEX_WAIT: wake it
};
static_assert(sizeof(RingHeader) <= 64);

inline constexpr size_t kRingHeaderBytes = 4096;
inline constexpr size_t kRingDataBytes = 4u << 20; // requests and responses larger than this use the socket
inline constexpr size_t kRingBytes = kRingHeaderBytes + kRingDataBytes;

// How long each side spins for the other before sleeping.
// Adaptive spinning (as adaptive mutexes do): each side spins for the
// other up to kMaxSpinNs while that pays off, and halves its budget each
// time it does not — on a host whose CPUs are all busy a spinner only
// delays the peer it waits for, and the doorbell is cheaper; so does a
// stream of slow requests (1 MiB reads). Every 32nd wait tries the whole
// budget again, and a spin that pays restores it.
inline constexpr uint64_t kMaxSpinNs = 50'000;
class Spinner {
public:
    uint64_t budget() { return ++m_waits % 32 == 0 ? kMaxSpinNs : m_ns; }
    void caught(bool yes) { m_ns = yes ? kMaxSpinNs : m_ns / 2; }

private:
    uint64_t m_ns = kMaxSpinNs;
    unsigned m_waits = 0;
};

uint64_t ring_now_ns();
inline void ring_pause() { __builtin_ia32_pause(); }

// The server's side of one connection's ring.
class ServerRing {
public:
    ServerRing() = default;
    ServerRing(const ServerRing&) = delete;
    ServerRing& operator=(const ServerRing&) = delete;
    ~ServerRing();
    // Creates the memfd (sealed: the client can neither shrink nor grow
    // it, so no access of ours can fault) and the doorbell; "" or why not.
    std::string create();
    int memfd() const { return m_memfd; }
    int doorbell() const { return m_doorbell; }
    // Whether the client posted a request we have not served.
    bool pending() const { return m_header && m_header->request_seq.load(std::memory_order_acquire) != m_served; }
    // Copies the posted request out of shared memory into `frame` (the
    // header's length checked once against the data area); false when it
    // cannot be a request (the connection must close).
    bool take(std::string& frame);
    // Where the response goes, and how much room it has.
    char* data() const { return m_data; }
    // Publishes the response and wakes the client if it sleeps.
    void answered();
    // Before the server sleeps in poll: true when a request came meanwhile.
    bool going_to_sleep();
    void woke();
    void drain_doorbell();

private:
    int m_memfd = -1, m_doorbell = -1;
    void* m_map = nullptr;
    RingHeader* m_header = nullptr;
    char* m_data = nullptr;
    uint32_t m_served = 0; // the request_seq last served
};

// The client's side.
class ClientRing {
public:
    ClientRing() = default;
    ClientRing(const ClientRing&) = delete;
    ClientRing& operator=(const ClientRing&) = delete;
    ~ClientRing();
    // Maps the server's memfd; takes both descriptors. false on failure.
    bool attach(int memfd, int doorbell);
    bool attached() const { return m_header != nullptr; }
    char* data() const { return m_data; }
    // Posts the request written into data().
    void post();
    // In a forked child: closes the child's copies of the descriptors; the
    // mapping was not inherited (MADV_DONTFORK). The parent's ring is untouched.
    void abandon_after_fork();
    // Waits for its response: 0, -ETIMEDOUT after timeout_s (0: never), or
    // -EPIPE once the socket (checked while asleep) has closed.
    int wait(unsigned timeout_s, int socket_fd);

private:
    int m_memfd = -1, m_doorbell = -1;
    void* m_map = nullptr;
    RingHeader* m_header = nullptr;
    char* m_data = nullptr;
    uint32_t m_seq = 0;
    Spinner m_spin;
};

} // namespace husk::remote
