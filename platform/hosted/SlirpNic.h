// User-mode networking for the hosted kernel through libslirp (QEMU's
// "-netdev user"): the kernel sits on 10.0.2.0/24 with a DHCP server and
// DNS forwarder at 10.0.2.2/10.0.2.3, reaches the host's services through
// 10.0.2.2, and host ports can forward to it (hostfwd=). No privileges.
// libslirp runs on a host thread of its own: it needs more stack than a
// kernel thread has (64 KiB buffers) and is not thread-safe, so every
// libslirp call happens there; frames cross in queues, and an eventfd
// wakes the kernel's idle loop as an interrupt would. libslirp is loaded
// when such an interface is attached, so libhusk does not depend on it.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include "HostNic.h"

namespace husk::hosted {

class SlirpApi;

class SlirpNic final : public HostNic {
public:
    static int create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error);
    ~SlirpNic() override;

    int send(const uint8_t* frame, size_t len) override;
    long receive(uint8_t* buf, size_t len) override;
    void add_poll_fds(std::vector<pollfd>& fds) override;
    bool after_poll(const pollfd* fds, size_t count) override;

private:
    using Frame = std::vector<uint8_t>;
    // Frames one way, and the eventfd that tells the other side.
    struct Queue {
        std::mutex lock;
        std::deque<Frame> frames;
        int event = -1;
        bool push(const uint8_t* data, size_t len);
        bool pop(Frame& out);
    };
    struct Timer {
        void (*callback)(void*);
        void* opaque;
        uint64_t expires_ns; // UINT64_MAX: not armed
    };
    explicit SlirpNic(std::string name) : HostNic(std::move(name)) {}
    int add_forward(const std::string& rule, std::string& error);
    void run(); // the libslirp thread
    uint64_t next_timer() const;
    void run_timers();

    // libslirp's callbacks (opaque is the SlirpNic), on the libslirp thread.
    static long on_send_packet(const void* buf, size_t len, void* opaque);
    static void on_guest_error(const char* msg, void* opaque);
    static int64_t on_clock(void* opaque);
    static void* on_timer_new(void (*cb)(void*), void* cb_opaque, void* opaque);
    static void on_timer_free(void* timer, void* opaque);
    static void on_timer_mod(void* timer, int64_t expire_ms, void* opaque);
    static void on_register_fd(int fd, void* opaque);
    static void on_notify(void* opaque);
    static int on_add_poll(int fd, int events, void* opaque);
    static int on_get_revents(int index, void* opaque);

    const SlirpApi* m_api = nullptr;
    void* m_slirp = nullptr;
    Queue m_to_kernel, m_to_slirp;
    std::thread m_thread;
    std::atomic<bool> m_stop { false };
    // The libslirp thread's own state.
    std::vector<std::unique_ptr<Timer>> m_timers;
    std::vector<pollfd> m_fds;
};

} // namespace husk::hosted
