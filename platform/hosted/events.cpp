// husk_plat_yield for a Linux process: sleep in ppoll until the deadline,
// console input, a frame on a network interface, or a descriptor the
// local client waits for (husk_poll_host).
#include <husk/platform.h>
#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <vector>
#include "HostNic.h"
#include "HostedPlatform.h"

extern "C" uint32_t husk_plat_yield(uint64_t deadline)
{
    using namespace husk::hosted;
    if (block_completions_pending())
        return HUSK_EVENT_BLOCK;
    uint32_t events = 0;
    // Once stdin has hung up (and been drained) it can never wake us again:
    // stop polling it, or an idle kernel would spin on POLLHUP.
    static bool stdin_gone;
    static std::vector<pollfd> fds;
    fds.clear();
    bool console = settings().console_input && !stdin_gone;
    if (console)
        fds.push_back({ STDIN_FILENO, POLLIN, 0 });
    HostWait& wait = host_wait();
    size_t wait_at = fds.size();
    for (size_t i = 0; i < wait.count; ++i)
        fds.push_back({ wait.fds[i].fd, wait.fds[i].events, 0 });
    static std::vector<size_t> nic_at; // where each interface's descriptors start
    nic_at.clear();
    for (size_t i = 0; i < nic_count(); ++i) {
        nic_at.push_back(fds.size());
        nic(i)->add_poll_fds(fds);
    }
    nic_at.push_back(fds.size());

    if (deadline == UINT64_MAX && fds.empty()) {
        // Every kernel thread waits and nothing outside can wake one: with a
        // single local client this is a deadlock (Linux would hang forever).
        // Say so and stop rather than hang the host process.
        static const char msg[] = "husk: deadlock: every kernel thread is blocked with no timeout and no event source\n";
        husk_plat_stream_write(HUSK_STREAM_LOG, msg, sizeof msg - 1);
        husk_plat_halt(124);
    }
    timespec ts {};
    timespec* timeout = nullptr;
    if (deadline != UINT64_MAX) {
        uint64_t now = husk_plat_clock_monotonic();
        uint64_t left = deadline > now ? deadline - now : 0;
        ts.tv_sec = time_t(left / 1000000000);
        ts.tv_nsec = long(left % 1000000000);
        timeout = &ts;
    }
    int n = ppoll(fds.data(), fds.size(), timeout, nullptr);
    if (n < 0) {
        for (auto& f : fds)
            f.revents = 0;
        // A signal for the local client (husk server's SIGTERM) ends its
        // husk_poll_host as it would end poll(2).
        if (errno == EINTR && wait.count) {
            wait.interrupted = true;
            events |= HUSK_EVENT_HOST;
        }
    }
    if (console && (fds[0].revents & (POLLIN | POLLHUP | POLLNVAL))) {
        events |= HUSK_EVENT_CONSOLE;
        if (!(fds[0].revents & POLLIN))
            stdin_gone = true;
    }
    for (size_t i = 0; i < wait.count; ++i) {
        wait.fds[i].revents = fds[wait_at + i].revents;
        if (wait.fds[i].revents)
            events |= HUSK_EVENT_HOST;
    }
    for (size_t i = 0; i < nic_count(); ++i)
        if (nic(i)->after_poll(fds.data() + nic_at[i], nic_at[i + 1] - nic_at[i]))
            events |= HUSK_EVENT_NET;
    if (deadline != UINT64_MAX && husk_plat_clock_monotonic() >= deadline)
        events |= HUSK_EVENT_TIMER;
    return events;
}
