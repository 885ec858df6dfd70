#include "PollHub.h"

namespace husk {

namespace {
WaitQueue& queue()
{
    static WaitQueue q;
    return q;
}
} // namespace

void PollHub::notify() { queue().wake_all(); }
WaitQueue::Result PollHub::wait(uint64_t deadline) { return queue().wait(deadline); }

} // namespace husk
