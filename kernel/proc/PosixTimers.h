// POSIX per-process timers (timer_create(2)): each expiry sends a signal
// (SIGEV_SIGNAL to the process, SIGEV_THREAD_ID to one of its threads) or
// nothing (SIGEV_NONE, read with timer_gettime). Linux 6.13+'s rules: the
// timer's signal is one preallocated entry, queued at most once; a
// periodic timer waits, once expired, until its signal is taken (delivered,
// sigwaitinfo, signalfd) and is rearmed then, the intervals that passed
// meanwhile becoming the signal's si_overrun (and timer_getoverrun's);
// timer_settime and timer_delete make a still-queued signal stale (it is
// dropped when taken). A periodic timer whose signal is ignored stops and
// sends it again once the signal is no longer ignored. Timers belong to
// the process: fork does not pass them on, execve and exit delete them.
// Clocks: CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME (deadlines on
// the monotonic clock; a CLOCK_REALTIME absolute time is converted when
// set), CLOCK_TAI (as CLOCK_REALTIME), the _ALARM clocks for root, and the
// CPU-time clocks of any process and of the caller's threads (checked when
// a thread of the measured process comes back from its program, as
// CpuTimers).
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Types.h"

namespace husk {

class Process;
namespace linux {
struct siginfo;
}

class PosixTimers {
public:
    // A decoded sigevent; none (timer_create's NULL): SIGALRM to the
    // process with the timer's id as value.
    struct Event {
        int notify;     // SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_SIGNAL | SIGEV_THREAD_ID
        int signo;
        uint64_t value; // sigval
        uint32_t tid;   // SIGEV_THREAD_ID's thread
    };
    struct Setting {
        uint64_t value_ns, interval_ns; // value 0: disarmed
    };
    static constexpr size_t kMaxTimers = 4096; // per process (Linux: RLIMIT_SIGPENDING per user)

    // Whether clock can have timers: EINVAL for no such clock, EOPNOTSUPP
    // for the clocks without timers (MONOTONIC_RAW, the COARSE ones),
    // EPERM for the _ALARM clocks without root.
    static kstd::ErrorOr<void> check_clock(int clock);
    // timer_create: the new timer's id. An id is taken (and not given out
    // again) before the event is checked, as Linux does: EINVAL for a bad
    // event, no such process or no such thread of the caller's, EAGAIN
    // past kMaxTimers.
    static kstd::ErrorOr<int> create(Process& process, int clock, const Event* event);
    // timer_settime: arms (relative, or absolute on the timer's clock) or
    // disarms (value 0); the previous setting comes back. EINVAL: no such timer.
    static kstd::ErrorOr<Setting> set(Process& process, int id, bool absolute, Setting setting);
    static kstd::ErrorOr<Setting> get(Process& process, int id);
    static kstd::ErrorOr<int> overrun(Process& process, int id);
    static kstd::ErrorOr<void> remove(Process& process, int id);
    // execve: every timer goes (ids go on from where they were, as Linux's).
    static void remove_all(Process& process);
    // exit: the timers and their table go.
    static void release(Process& process);

    // The signal layer took timer `id`'s signal (into info): false when it
    // is stale and must be dropped; a periodic timer is rearmed and
    // info.si_overrun set.
    static bool taken(Process& process, int id, linux::siginfo& info);
    // sig became ignored (its queued entries are about to be discarded):
    // the periodic timers whose signal waited stop until it is not.
    static void signal_ignored(Process& process, int sig);
    // sig is no longer ignored: the stopped timers send their signal.
    static void signal_unignored(Process& process, int sig);
    // Sends the signals of the CPU-clock timers that expired.
    static void check_cpu(Process& process);
};

} // namespace husk
