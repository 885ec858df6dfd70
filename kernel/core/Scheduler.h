// The kernel-owned scheduler: a FIFO run queue and an idle thread per CPU,
// guarded by the scheduler lock (lock(): run queues, thread states, the
// per-CPU fields, wait queues and timers; taken after the big lock and a
// futex bucket's, never the other way round). A thread made ready joins the queue
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
#include "SpinLock.h"
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
    // The CPU time `thread` has run, its slice running now on any CPU
    // included (a process's CPU clock read while its threads compute on
    // other CPUs).
    static uint64_t cpu_ns_of(const Thread& thread);
    // Lets every other thread ready on this CPU run once before the caller
    // continues.
    static void yield();
    static void wake(Thread& thread);
    // The same with the scheduler lock held (a timer callback that runs
    // under it, a wait queue's wake).
    static void wake_locked(Thread& thread);
    // The scheduler lock (SpinLock.h). A thread that switches holds it
    // across the switch; the thread switched in lets go of it.
    static SpinLock& lock() { return s_lock; }
    // With the big lock: frees threads that died and runs expired timers
    // (their callbacks need the big lock); nothing without it.
    static void housekeeping();
    // sched_setaffinity: the CPUs the thread may run on from now on (at
    // least one online, which the caller checked); a thread queued or
    // running elsewhere moves to one of them.
    static void set_affinity(Thread& thread, uint64_t mask);
    // The CPUs that exist, as an affinity mask.
    static uint64_t online_mask();
    // Sleeps until the monotonic clock reaches deadline.
    static void sleep_until(uint64_t deadline);

    // TimerQueue, scheduler lock held: a timer now comes first. The boot
    // CPU alone waits for deadlines: halted with a later one, it is
    // kicked to wait anew.
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
    // Preemptible code holds no kernel state: it gives up the big lock
    // meanwhile (a preemption in interrupt context never retakes it).
    static void set_preemptible(bool preemptible);
    // Preemption switches since boot (tests check the timer really preempts).
    static uint64_t preemptions();
    // Called by the platform at the end of an interrupt (interrupts off):
    // switches to the next ready thread if the interrupted one may be
    // preempted and has used its time slice. True when the thread that
    // resumes was in application code and needs attention (its run ends).
    static bool interrupt_return(bool from_user);
    // Whether this CPU's current slice has run out. A tick that lands in
    // kernel code cannot preempt it, so a thread that mostly makes system
    // calls would keep the CPU (and the boot CPU's device events waiting)
    // until a tick happened to land in its program: the program loop ends
    // the slice on its way back instead, as Linux does on return to user.
    static bool slice_over();

    // sched_stats=1: each CPU's counters (switches, migrations, halts, the
    // big lock's spin and hold times) go to the log at the program's end.
    static void log_stats();
    // From now on each thread's own counters are logged when it ends.
    static void log_thread_stats() { s_log_threads = true; }

private:
    friend class Thread;
    friend class WaitQueue;
    // These run with the scheduler lock held (lock(), which also masks
    // interrupts) and return with it held, in the thread switched back
    // in; true when that thread held the big lock when it left: it takes
    // it again once it let go of the scheduler lock (resume()).
    static bool switch_to_next();
    // Runs next in place of the current thread, whose state the caller set.
    static bool switch_to(Thread* next);
    // The current thread sleeps until wake().
    static bool block_locked();
    // Lets go of the scheduler lock after a switch; then the big lock
    // again if the thread held it.
    static void resume(unsigned long irq, bool retake_big_lock);
    // A new thread's first code: the switch that started it held the
    // scheduler lock; it takes the big lock (kernel code runs under it).
    static void thread_started();
    static void idle_loop(void*);
    static void cpu_main(unsigned cpu);
    static void reap_dead();
    static bool housekeeping_due();
    static inline bool s_log_threads = false;
    static inline SpinLock s_lock;
};

} // namespace husk
