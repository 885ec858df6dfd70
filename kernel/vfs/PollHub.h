// Where poll/select/epoll sleep. Anything whose readiness changes (pipe
// data, pipe ends closing, sockets, eventfds) notifies; sleepers re-check.
// One queue for all: simple and correct on one CPU; per-object queues can
// replace it when a profile says so.
#pragma once

#include "../abi/Linux.h"
#include "../core/WaitQueue.h"

namespace husk {

// Counters a readiness source bumps when input (data, EOF, errors) or
// output (room) may have changed: edge-triggered epoll reports an event
// again only after its counter moved.
struct PollGeneration {
    uint32_t in { 0 }, out { 0 };
};

class PollHub {
public:
    static void notify();
    // A source's readiness changed — which: POLLIN (input) and/or POLLOUT
    // (output), as Linux's wakeups carry a key: bumps its counters, then
    // wakes every sleeper.
    static void notify(PollGeneration& source, short which);
    // Sleeps until a notification, the deadline or a signal (Interrupted:
    // poll and select return ERESTARTNOHAND, epoll_wait EINTR, as Linux).
    static WaitQueue::Result wait(uint64_t deadline);
};

} // namespace husk
