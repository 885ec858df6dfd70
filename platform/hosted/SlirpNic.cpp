#include "SlirpNic.h"
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <slirp/libslirp.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

namespace husk::hosted {

// The part of libslirp's API Husk uses, resolved at attach time.
class SlirpApi {
public:
    decltype(&slirp_new) make;
    decltype(&slirp_cleanup) cleanup;
    decltype(&slirp_pollfds_fill) fill;
    decltype(&slirp_pollfds_poll) poll;
    decltype(&slirp_input) input;
    decltype(&slirp_add_hostfwd) add_hostfwd;

    static const SlirpApi* load(std::string& error)
    {
        static SlirpApi api;
        static bool loaded;
        if (loaded)
            return &api;
        void* lib = dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            error = std::string("user networking needs libslirp (Debian: apt-get install libslirp0): ") + dlerror();
            return nullptr;
        }
        bool ok = resolve(lib, "slirp_new", api.make) && resolve(lib, "slirp_cleanup", api.cleanup) &&
                  resolve(lib, "slirp_pollfds_fill", api.fill) && resolve(lib, "slirp_pollfds_poll", api.poll) &&
                  resolve(lib, "slirp_input", api.input) && resolve(lib, "slirp_add_hostfwd", api.add_hostfwd);
        if (!ok) {
            error = "libslirp.so.0 lacks a function Husk needs (libslirp 4.x expected)";
            return nullptr;
        }
        loaded = true;
        return &api;
    }

private:
    template<typename F>
    static bool resolve(void* lib, const char* name, F& out)
    {
        out = reinterpret_cast<F>(dlsym(lib, name));
        return out != nullptr;
    }
};

namespace {

constexpr size_t kMaxQueued = 1024; // frames waiting either way; more are dropped

uint64_t now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

bool parse_port(const std::string& text, int& port)
{
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    port = std::stoi(text);
    return port > 0 && port < 65536;
}

} // namespace

int SlirpNic::create(const NicSpec& spec, std::string name, std::unique_ptr<HostNic>& out, std::string& error)
{
    bool restricted = false;
    for (auto& [key, value] : spec.options) {
        if (key == "restrict" && (value == "on" || value == "off" || value == "yes" || value == "no")) {
            restricted = value == "on" || value == "yes";
        } else if (key != "hostfwd") {
            error = "user: unknown option '" + key + (key == "restrict" ? "=" + value : "") +
                    "' (hostfwd=[tcp|udp]:[HOSTADDR]:PORT-[GUESTADDR]:PORT, restrict=on|off)";
            return -EINVAL;
        }
    }
    const SlirpApi* api = SlirpApi::load(error);
    if (!api)
        return -ENOENT;
    std::unique_ptr<SlirpNic> nic(new SlirpNic(std::move(name)));
    nic->m_api = api;
    nic->m_to_kernel.event = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    nic->m_to_slirp.event = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (nic->m_to_kernel.event < 0 || nic->m_to_slirp.event < 0) {
        error = std::string("user: eventfd: ") + std::strerror(errno);
        return -EMFILE;
    }

    // QEMU's defaults, so guides written for QEMU's user networking apply.
    SlirpConfig c {};
    c.version = 1;
    c.restricted = restricted;
    c.in_enabled = true;
    inet_pton(AF_INET, "10.0.2.0", &c.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &c.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &c.vhost);
    c.in6_enabled = true;
    inet_pton(AF_INET6, "fec0::", &c.vprefix_addr6);
    c.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &c.vhost6);
    inet_pton(AF_INET, "10.0.2.15", &c.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &c.vnameserver);
    inet_pton(AF_INET6, "fec0::3", &c.vnameserver6);
    c.if_mtu = 1500;
    c.if_mru = 1500;

    static const SlirpCb callbacks = {
        .send_packet = on_send_packet,
        .guest_error = on_guest_error,
        .clock_get_ns = on_clock,
        .timer_new = on_timer_new,
        .timer_free = on_timer_free,
        .timer_mod = on_timer_mod,
        .register_poll_fd = on_register_fd,
        .unregister_poll_fd = on_register_fd,
        .notify = on_notify,
        .init_completed = nullptr,
        .timer_new_opaque = nullptr,
    };
    nic->m_slirp = api->make(&c, &callbacks, nic.get());
    if (!nic->m_slirp) {
        error = "user: libslirp refused its configuration";
        return -EINVAL;
    }
    for (auto& [key, value] : spec.options)
        if (key == "hostfwd")
            if (int r = nic->add_forward(value, error); r < 0)
                return r;
    nic->m_thread = std::thread([n = nic.get()] { n->run(); });
    out = std::move(nic);
    return 0;
}

SlirpNic::~SlirpNic()
{
    if (m_thread.joinable()) {
        m_stop = true;
        uint64_t one = 1;
        (void)!write(m_to_slirp.event, &one, sizeof one);
        m_thread.join();
    }
    if (m_slirp)
        m_api->cleanup(static_cast<Slirp*>(m_slirp));
    for (int fd : { m_to_kernel.event, m_to_slirp.event })
        if (fd >= 0)
            close(fd);
}

// QEMU's syntax: [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT.
int SlirpNic::add_forward(const std::string& rule, std::string& error)
{
    auto bad = [&](const char* why) {
        error = "user: hostfwd=" + rule + ": " + why + " (expected [tcp|udp]:[HOSTADDR]:PORT-[GUESTADDR]:PORT)";
        return -EINVAL;
    };
    size_t colon = rule.find(':');
    size_t dash = rule.find('-');
    if (colon == std::string::npos || dash == std::string::npos || dash < colon)
        return bad("malformed");
    std::string proto = rule.substr(0, colon);
    if (!proto.empty() && proto != "tcp" && proto != "udp")
        return bad("the protocol is tcp or udp");
    std::string host = rule.substr(colon + 1, dash - colon - 1), guest = rule.substr(dash + 1);
    size_t hc = host.rfind(':'), gc = guest.rfind(':');
    if (hc == std::string::npos || gc == std::string::npos)
        return bad("malformed");
    in_addr host_addr {}, guest_addr {};
    std::string ha = host.substr(0, hc), ga = guest.substr(0, gc);
    if (!ha.empty() && inet_pton(AF_INET, ha.c_str(), &host_addr) != 1)
        return bad("the host address is not IPv4");
    if (inet_pton(AF_INET, ga.empty() ? "10.0.2.15" : ga.c_str(), &guest_addr) != 1)
        return bad("the guest address is not IPv4");
    int host_port = 0, guest_port = 0;
    if (!parse_port(host.substr(hc + 1), host_port) || !parse_port(guest.substr(gc + 1), guest_port))
        return bad("ports are 1-65535");
    if (m_api->add_hostfwd(static_cast<Slirp*>(m_slirp), proto == "udp", host_addr, host_port, guest_addr, guest_port) < 0) {
        error = "user: hostfwd=" + rule + ": cannot bind the host port (in use?)";
        return -EADDRINUSE;
    }
    return 0;
}

bool SlirpNic::Queue::push(const uint8_t* data, size_t len)
{
    {
        std::lock_guard guard(lock);
        if (frames.size() >= kMaxQueued)
            return false; // dropped, as a full ring drops
        frames.emplace_back(data, data + len);
    }
    uint64_t one = 1;
    (void)!write(event, &one, sizeof one);
    return true;
}

bool SlirpNic::Queue::pop(Frame& out)
{
    std::lock_guard guard(lock);
    if (frames.empty())
        return false;
    out = std::move(frames.front());
    frames.pop_front();
    return true;
}

int SlirpNic::send(const uint8_t* frame, size_t len)
{
    m_to_slirp.push(frame, len);
    return 0;
}

long SlirpNic::receive(uint8_t* buf, size_t len)
{
    Frame f;
    while (m_to_kernel.pop(f))
        if (f.size() <= len && accepts(f.data(), f.size())) {
            std::memcpy(buf, f.data(), f.size());
            return long(f.size());
        }
    return -EAGAIN;
}

void SlirpNic::add_poll_fds(std::vector<pollfd>& fds) { fds.push_back({ m_to_kernel.event, POLLIN, 0 }); }

bool SlirpNic::after_poll(const pollfd* fds, size_t count)
{
    if (!count || !(fds[0].revents & POLLIN))
        return false;
    uint64_t n;
    (void)!read(m_to_kernel.event, &n, sizeof n); // the queue itself says what waits
    return true;
}

void SlirpNic::run()
{
    auto* slirp = static_cast<Slirp*>(m_slirp);
    while (!m_stop.load()) {
        m_fds.clear();
        m_fds.push_back({ m_to_slirp.event, POLLIN, 0 });
        uint32_t timeout_ms = UINT32_MAX;
        m_api->fill(slirp, &timeout_ms, on_add_poll, this);
        uint64_t now = now_ns(), timer = next_timer();
        int wait_ms = timeout_ms == UINT32_MAX ? -1 : int(timeout_ms);
        if (timer != UINT64_MAX) {
            uint64_t left_ms = timer > now ? (timer - now + 999999) / 1000000 : 0;
            if (wait_ms < 0 || left_ms < uint64_t(wait_ms))
                wait_ms = int(left_ms);
        }
        int n = ::poll(m_fds.data(), m_fds.size(), wait_ms);
        if (n < 0 && errno != EINTR)
            break;
        if (n < 0)
            for (auto& f : m_fds)
                f.revents = 0;
        m_api->poll(slirp, n < 0, on_get_revents, this);
        if (m_fds[0].revents & POLLIN) {
            uint64_t count;
            (void)!read(m_to_slirp.event, &count, sizeof count);
        }
        for (Frame f; m_to_slirp.pop(f);)
            m_api->input(slirp, f.data(), int(f.size()));
        run_timers();
    }
}

uint64_t SlirpNic::next_timer() const
{
    uint64_t d = UINT64_MAX;
    for (auto& t : m_timers)
        d = t->expires_ns < d ? t->expires_ns : d;
    return d;
}

void SlirpNic::run_timers()
{
    uint64_t now = now_ns();
    for (size_t i = 0; i < m_timers.size(); ++i) {
        Timer* t = m_timers[i].get();
        if (t->expires_ns <= now) {
            t->expires_ns = UINT64_MAX;
            t->callback(t->opaque); // may re-arm, add or free timers
        }
    }
}

long SlirpNic::on_send_packet(const void* buf, size_t len, void* opaque)
{
    static_cast<SlirpNic*>(opaque)->m_to_kernel.push(static_cast<const uint8_t*>(buf), len);
    return long(len);
}

void SlirpNic::on_guest_error(const char* msg, void* opaque)
{
    std::fprintf(stderr, "husk: %s: libslirp: %s\n", static_cast<SlirpNic*>(opaque)->name().c_str(), msg);
}

int64_t SlirpNic::on_clock(void*) { return int64_t(now_ns()); }

void* SlirpNic::on_timer_new(void (*cb)(void*), void* cb_opaque, void* opaque)
{
    auto* self = static_cast<SlirpNic*>(opaque);
    self->m_timers.push_back(std::make_unique<Timer>(Timer { cb, cb_opaque, UINT64_MAX }));
    return self->m_timers.back().get();
}

void SlirpNic::on_timer_free(void* timer, void* opaque)
{
    auto& timers = static_cast<SlirpNic*>(opaque)->m_timers;
    for (size_t i = 0; i < timers.size(); ++i)
        if (timers[i].get() == timer) {
            timers.erase(timers.begin() + long(i));
            return;
        }
}

void SlirpNic::on_timer_mod(void* timer, int64_t expire_ms, void*)
{
    static_cast<Timer*>(timer)->expires_ns = expire_ms < 0 ? 0 : uint64_t(expire_ms) * 1000000u;
}

void SlirpNic::on_register_fd(int, void*) {} // descriptors are collected at every poll
void SlirpNic::on_notify(void*) {}

int SlirpNic::on_add_poll(int fd, int events, void* opaque)
{
    auto* self = static_cast<SlirpNic*>(opaque);
    short e = 0;
    if (events & SLIRP_POLL_IN) e |= POLLIN;
    if (events & SLIRP_POLL_OUT) e |= POLLOUT;
    if (events & SLIRP_POLL_PRI) e |= POLLPRI;
    self->m_fds.push_back({ fd, e, 0 });
    return int(self->m_fds.size() - 1);
}

int SlirpNic::on_get_revents(int index, void* opaque)
{
    auto* self = static_cast<SlirpNic*>(opaque);
    if (index < 0 || size_t(index) >= self->m_fds.size())
        return 0;
    short r = self->m_fds[size_t(index)].revents;
    int e = 0;
    if (r & POLLIN) e |= SLIRP_POLL_IN;
    if (r & POLLOUT) e |= SLIRP_POLL_OUT;
    if (r & POLLPRI) e |= SLIRP_POLL_PRI;
    if (r & POLLERR) e |= SLIRP_POLL_ERR;
    if (r & POLLHUP) e |= SLIRP_POLL_HUP;
    return e;
}

} // namespace husk::hosted
