// husk_plat_yield for a Linux process: sleep in ppoll until the deadline,
// console input, or (never, when hosted) an interrupt.
#include <husk/platform.h>
#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include "HostedPlatform.h"

extern "C" uint32_t husk_plat_yield(uint64_t deadline)
{
    using namespace husk::hosted;
    if (block_completions_pending())
        return HUSK_EVENT_BLOCK;
    // Once stdin has hung up (and been drained) it can never wake us again:
    // stop polling it, or an idle kernel would spin on POLLHUP.
    static bool stdin_gone;
    bool console = settings().console_input && !stdin_gone;
    if (deadline == UINT64_MAX && !console) {
        // Every kernel thread waits and nothing outside can wake one: with a
        // single local client this is a deadlock (Linux would hang forever).
        // Say so and stop rather than hang the host process.
        static const char msg[] = "husk: deadlock: every kernel thread is blocked with no timeout and no event source\n";
        husk_plat_console_write(msg, sizeof msg - 1);
        husk_plat_halt(124);
    }
    pollfd fds[1] = { { STDIN_FILENO, POLLIN, 0 } };
    timespec ts {};
    timespec* timeout = nullptr;
    if (deadline != UINT64_MAX) {
        uint64_t now = husk_plat_clock_monotonic();
        uint64_t left = deadline > now ? deadline - now : 0;
        ts.tv_sec = time_t(left / 1000000000);
        ts.tv_nsec = long(left % 1000000000);
        timeout = &ts;
    }
    int n = ppoll(fds, console ? 1 : 0, timeout, nullptr);
    uint32_t events = 0;
    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLNVAL))) {
        events |= HUSK_EVENT_CONSOLE;
        if (!(fds[0].revents & POLLIN))
            stdin_gone = true;
    }
    if (deadline != UINT64_MAX && husk_plat_clock_monotonic() >= deadline)
        events |= HUSK_EVENT_TIMER;
    return events;
}
