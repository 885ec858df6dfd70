// Where the scheduler puts a thread, as pure decisions over a snapshot of
// the CPUs (so that the rules can be tested without CPUs): which CPU's run
// queue a thread made ready joins, which queue an idle CPU steals from,
// and which one a CPU evens its load with at the end of a slice.
#pragma once

#include <stddef.h>

namespace husk {

// What the decisions see of one CPU.
struct CpuLoad {
    size_t queued { 0 }; // ready threads in its run queue
    bool busy { false }; // it runs (or is about to resume) a thread other than its idle thread

    // Threads that want this CPU: the one it runs and those waiting.
    size_t load() const { return queued + (busy ? 1 : 0); }
};

namespace CpuPlacement {

constexpr unsigned kNoCpu = ~0u;

// The queue a thread made ready joins. The CPU it last ran on when that
// one has nothing to do (its caches, and a thread woken again and again
// stays put); else any CPU with nothing to do, the waker's first (a
// thread should run now, not after another's slice); else the CPU it ran
// on; a new thread (last == kNoCpu): the least loaded, the waker's on a tie.
unsigned for_ready(const CpuLoad* cpus, unsigned count, unsigned last, unsigned waker);

// The CPU an idle CPU (`thief`) takes a ready thread from: the busy one
// with the most threads waiting, or kNoCpu. A CPU that is not busy runs
// its queue itself (it was kicked, or is on its way back from a halt).
unsigned steal_from(const CpuLoad* cpus, unsigned count, unsigned thief);

// The CPU other than `cpu` with the most threads waiting, busy or not,
// or kNoCpu: for a CPU that keeps the big lock across a slice end
// (preemptible kernel code), without which no other CPU can switch.
unsigned longest_queue(const CpuLoad* cpus, unsigned count, unsigned cpu);

// At the end of a slice on `cpu` (counted busy): the CPU to take one
// waiting thread from, when its load exceeds this one's by two or more
// (moving one then evens them out), else kNoCpu.
unsigned balance_from(const CpuLoad* cpus, unsigned count, unsigned cpu);

} // namespace CpuPlacement

} // namespace husk
