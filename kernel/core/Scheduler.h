// The kernel-owned scheduler: a FIFO run queue and an idle thread per CPU
// (all under the big lock, BigLock.h). A thread made ready joins the queue
// of the CPU it ran on when that one has nothing to do, else of an idle
// CPU, else its own; an idle CPU steals from the busiest queue before it
// halts, and a slice end evens out two CPUs whose loads differ by two
// (CpuPlacement.h). The boot CPU's idle thread runs timers and waits for
// platform events. Kernel code is cooperative (it runs until it blocks or
// yields); a platform with a timer interrupt preempts threads that are in
// preemptible code (application code, or kernel loops that marked
// themselves so) once their slice is used up.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "Thread.h"

namespace husk {

class Scheduler {
public:
    // Adopts the current context as the first thread and creates idle.
    static void init(Process* first_process);

    // Starts the other CPUs (husk_plat_cpu_start) once the kernel booted:
    // from then on the big lock is in use.
    static void start_other_cpus();
    static unsigned cpu_count();

    // The thread this CPU runs.
    static Thread* current();
    // A thread running on another CPU gets an interrupt there (it leaves
    // its program to look at a signal, an exit, ...).
    static void nudge(Thread& thread);
    // Lets every other thread ready on this CPU run once before the caller
    // continues.
    static void yield();
    // Puts the current thread to sleep until wake(); the caller has already
    // registered itself where a waker will find it.
    static void block();
    static void wake(Thread& thread);
    // sched_setaffinity: the CPUs the thread may run on from now on (at
    // least one online, which the caller checked); a thread queued or
    // running elsewhere moves to one of them.
    static void set_affinity(Thread& thread, uint64_t mask);
    // The CPUs that exist, as an affinity mask.
    static uint64_t online_mask();
    // Sleeps until the monotonic clock reaches deadline.
    static void sleep_until(uint64_t deadline);

    // TimerQueue: a timer now comes first. The boot CPU alone waits for
    // deadlines: halted with a later one, it is kicked to wait anew.
    static void earliest_deadline(uint64_t deadline);

    // Handlers for platform events seen by the idle loop (block, net, ...).
    using EventHandler = void (*)(uint32_t events);
    static void add_event_handler(EventHandler handler);

    static size_t thread_count();

    // What each CPU did since it started (/proc/stat): all its time, its
    // idle thread's, and its programs' (the rest is the kernel's).
    struct CpuTimes {
        uint64_t total_ns, idle_ns, user_ns;
    };
    static CpuTimes cpu_times(unsigned cpu);
    // Time a thread spent in its program, charged to the CPU it ran on.
    static void count_user_time(uint64_t ns);
    // Switches between threads since boot, every CPU's.
    static uint64_t context_switches();

    // Marks the current thread (un)preemptible; see Thread::preemptible.
    static void set_preemptible(bool preemptible);
    // Preemption switches since boot (tests check the timer really preempts).
    static uint64_t preemptions();
    // Called by the platform at the end of an interrupt (interrupts off):
    // switches to the next ready thread if the interrupted one may be
    // preempted and has used its time slice. True when the thread that
    // resumes was in application code and needs attention (its run ends).
    static bool interrupt_return(bool from_user);

    // sched_stats=1: each CPU's counters (switches, migrations, halts, the
    // big lock's spin and hold times) go to the log at the program's end.
    static void log_stats();
    // From now on each thread's own counters are logged when it ends.
    static void log_thread_stats() { s_log_threads = true; }

private:
    friend class Thread;
    static void switch_to_next();
    // Runs next in place of the current thread, whose state the caller set
    // (interrupts disabled by the caller).
    static void switch_to(Thread* next);
    static void idle_loop(void*);
    static void cpu_main(unsigned cpu);
    static void reap_dead();
    static inline bool s_log_threads = false;
};

} // namespace husk
