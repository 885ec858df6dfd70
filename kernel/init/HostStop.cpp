#include "HostStop.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../core/Scheduler.h"
#include "../fs/devfs/ConsoleTerminal.h"
#include "../proc/Process.h"
#include "../proc/Signals.h"
#include "BootMounts.h"
#include "Config.h"

namespace husk {

namespace {

constexpr uint64_t kMillisecond = 1'000'000;
// What the disks get of husk run's stop timeout: the program has the rest.
constexpr uint64_t kDiskShareMs = 1000;
constexpr uint64_t kDefaultStopTimeoutMs = 10'000;

int g_signal;
bool g_stopping;

bool program_running(Process* init) { return init && init->program_threads() > 0 && !init->exiting(); }

void stop_thread(void*)
{
    Process* init = Process::init();
    if (!program_running(init)) {
        klog(LogLevel::Notice, "stop: the host asked the system to stop (signal %d): syncing and unmounting the disks",
             g_signal);
        BootMounts::unmount_all(); // syncs first; an unmount refused (files open) leaves the sync standing
        husk_plat_halt(128 + g_signal);
    }
    // Ctrl-C is SIGINT to the console's foreground group, as a terminal
    // sends it; SIGTERM and SIGHUP ask pid 1 to end.
    bool interrupt = g_signal == linux::SIGINT;
    int sig = interrupt ? linux::SIGINT : linux::SIGTERM;
    uint64_t timeout_ms = Config::get_number("stop_timeout_ms", kDefaultStopTimeoutMs);
    uint64_t grace_ms = timeout_ms > 2 * kDiskShareMs ? timeout_ms - kDiskShareMs : timeout_ms / 2;
    uint32_t group = interrupt ? ConsoleTerminal::foreground_group() : 0;
    klog(LogLevel::Notice, "stop: the host asked the system to stop: signal %d to %s %u, %lu ms for pid 1 to end", sig,
         interrupt ? "process group" : "pid", unsigned(interrupt ? group : init->pid()), (unsigned long)grace_ms);
    linux::siginfo info {};
    info.si_signo = sig;
    info.si_code = 0; // SI_USER: as kill(2) from outside
    if (interrupt) {
        Process::for_each([&](Process& p) {
            if (p.pgid() == group && !p.is_zombie())
                (void)Signals::send_to_process(p, info);
        });
    } else {
        (void)Signals::send_to_process(*init, info);
    }
    uint64_t deadline = husk_plat_clock_monotonic() + grace_ms * kMillisecond;
    while (program_running(init) && husk_plat_clock_monotonic() < deadline)
        Scheduler::sleep_until(husk_plat_clock_monotonic() + 10 * kMillisecond);
    if (program_running(init)) {
        klog(LogLevel::Warning, "stop: pid 1 did not end within %lu ms: killing every process", (unsigned long)grace_ms);
        Signals::terminate(*init, linux::SIGKILL);
    }
    // The boot code sees pid 1 end, syncs, unmounts and halts.
}

// husk kill -s SIGNAL: the signal to pid 1, as kill(2) from outside would
// send it (a handler runs, or its default action).
void deliver_host_signals()
{
    for (int sig; (sig = husk_plat_host_signal()) > 0;) {
        Process* init = Process::init();
        if (!init || init->is_zombie() || init->exiting()) {
            klog(LogLevel::Notice, "signal: the host sent signal %d, but pid 1 has ended", sig);
            continue;
        }
        klog(LogLevel::Notice, "signal: the host sent signal %d to pid %u", sig, unsigned(init->pid()));
        linux::siginfo info {};
        info.si_signo = sig;
        info.si_code = 0; // SI_USER
        (void)Signals::send_to_process(*init, info);
    }
}

void on_platform_events(uint32_t events)
{
    if (events & HUSK_EVENT_SIGNAL)
        deliver_host_signals();
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
