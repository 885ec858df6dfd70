#include "HostStop.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "BootMounts.h"

namespace husk {

namespace {

int g_signal;
bool g_stopping;

void stop_thread(void*)
{
    klog(LogLevel::Notice, "stop: the host asked the system to stop (signal %d): syncing and unmounting the disks",
         g_signal);
    BootMounts::unmount_all(); // syncs first; an unmount refused (files open) leaves the sync standing
    husk_plat_halt(128 + g_signal);
}

void on_platform_events(uint32_t events)
{
    if (!(events & HUSK_EVENT_STOP) || g_stopping)
        return;
    int signal = husk_plat_stop_requested();
    if (signal <= 0)
        return;
    g_signal = signal;
    // A thread of its own: syncing sleeps on the disks, event handlers may not.
    g_stopping = Thread::create("stop", stop_thread, nullptr) != nullptr;
    if (!g_stopping)
        klog(LogLevel::Error, "stop: no memory for the stop thread; the host's deadline will kill the system");
}

} // namespace

void HostStop::install() { Scheduler::add_event_handler(on_platform_events); }

} // namespace husk
