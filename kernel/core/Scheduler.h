// The kernel-owned scheduler: one CPU, a FIFO run queue, an idle thread that
// runs timers and waits for platform events. Cooperative today; the bare
// metal timer interrupt will add preemption at the same scheduling points.
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

private:
    friend class Thread;
    static void switch_to_next();
    static void idle_loop(void*);
    static void reap_dead();
};

} // namespace husk
