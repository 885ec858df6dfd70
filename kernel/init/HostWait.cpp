// husk_kernel_wait_host: an embedder's thread sleeps in the kernel until
// its platform reports HUSK_EVENT_HOST, so the kernel keeps running (the
// network answers, timers fire) while the embedder waits for its own
// work. husk server waits for its clients this way.
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../core/WaitQueue.h"

namespace husk {

namespace {

WaitQueue g_waiters;
bool g_event;

void on_platform_events(uint32_t events)
{
    if (events & HUSK_EVENT_HOST) {
        g_event = true;
        g_waiters.wake_all();
    }
}

} // namespace

} // namespace husk

extern "C" int husk_kernel_wait_host(uint64_t deadline)
{
    using namespace husk;
    static bool registered;
    if (!registered) {
        Scheduler::add_event_handler(on_platform_events);
        registered = true;
    }
    g_event = false;
    while (!g_event)
        if (g_waiters.wait(deadline) == WaitQueue::Result::TimedOut)
            return 0;
    return 1;
}
