// Where poll/select sleep. Anything whose readiness changes (pipe data,
// pipe ends closing, later sockets) calls notify(); sleepers re-check.
// One queue for all: simple and correct on one CPU; per-object queues can
// replace it when a profile says so.
#pragma once

#include "../core/WaitQueue.h"

namespace husk {

class PollHub {
public:
    static void notify();
    static WaitQueue::Result wait(uint64_t deadline);
};

} // namespace husk
