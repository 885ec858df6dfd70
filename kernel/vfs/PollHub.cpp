#include "PollHub.h"
#include "AsyncFiles.h"

namespace husk {

namespace {
WaitQueue& queue()
{
    static WaitQueue q;
    return q;
}
} // namespace

void PollHub::notify() { queue().wake_all(); }

void PollHub::notify(PollGeneration& source, short which)
{
    if (which & linux::POLLIN)
        ++source.in;
    if (which & linux::POLLOUT)
        ++source.out;
    notify();
    AsyncFiles::changed(source, which);
}
WaitQueue::Result PollHub::wait(uint64_t deadline) { return queue().wait_interruptible(deadline); }

} // namespace husk
