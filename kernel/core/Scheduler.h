// The kernel-owned scheduler: one CPU, a FIFO run queue, an idle thread that
// runs timers and waits for platform events. Kernel code is cooperative
// (it runs until it blocks or yields); a platform with a timer interrupt
// preempts threads that are in preemptible code (application code, or
// kernel loops that marked themselves so) once their slice is used up.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "Thread.h"

namespace husk {

class Scheduler {
public:
    // Adopts the current context as the first thread and creates idle.
    static void init(Process* first_process);

    static Thread* current();
    // Lets every other ready thread run once before the caller continues.
    static void yield();
    // Puts the current thread to sleep until wake(); the caller has already
    // registered itself where a waker will find it.
    static void block();
    static void wake(Thread& thread);
    // Sleeps until the monotonic clock reaches deadline.
    static void sleep_until(uint64_t deadline);

    // Handlers for platform events seen by the idle loop (block, net, ...).
    using EventHandler = void (*)(uint32_t events);
    static void add_event_handler(EventHandler handler);

    static size_t thread_count();

    // Marks the current thread (un)preemptible; see Thread::preemptible.
    static void set_preemptible(bool preemptible);
    // Preemption switches since boot (tests check the timer really preempts).
    static uint64_t preemptions();
    // Called by the platform at the end of an interrupt (interrupts off):
    // switches to the next ready thread if the interrupted one may be
    // preempted and has used its time slice. True when the thread that
    // resumes was in application code and needs attention (its run ends).
    static bool interrupt_return(bool from_user);

private:
    friend class Thread;
    static void switch_to_next();
    // Runs next in place of the current thread, whose state the caller set
    // (interrupts disabled by the caller).
    static void switch_to(Thread* next);
    static void idle_loop(void*);
    static void reap_dead();
};

} // namespace husk
