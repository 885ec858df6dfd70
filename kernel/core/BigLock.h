// The big kernel lock: the first step of SMP (docs/architecture.md,
// "Locking model"). It is held by a *thread*: a kernel thread holds it
// whenever it runs kernel code, except the system calls that run unlocked
// (SyscallTable::runs_unlocked: futex's fast path) and compute-only loops
// marked preemptible; it lets go while it runs application code (around
// husk_plat_user_run) and while an idle thread halts. A thread that blocks
// holding it gives it up at the switch and takes it again once switched
// back in (Scheduler). So most of the kernel stays what it was on one CPU
// (cooperative, one thread at a time), while programs, and the unlocked
// paths, run on every CPU at once. With one CPU the lock is not used.
#pragma once

#include <stdint.h>

namespace husk {

class BigLock {
public:
    // More than one CPU: from now on the lock is real; the caller holds it.
    static void enable();
    static bool enabled() { return s_enabled; }
    // Spins with interrupts on, so that a CPU waiting here still serves
    // the IPIs (TLB shootdowns) of the CPU that holds it.
    static void acquire();
    static void release();
    // Whether the thread running on this CPU holds it (always true while
    // it is not in use).
    static bool held_here();

    // Takes the lock for a scope unless the current thread holds it
    // already (an unlocked path that meets something that needs it).
    class Guard {
    public:
        enum Later { later };
        Guard() { take(); }
        explicit Guard(Later) { }
        ~Guard()
        {
            if (m_taken)
                release();
        }
        void take()
        {
            if (!m_taken && !held_here()) {
                acquire();
                m_taken = true;
            }
        }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

    private:
        bool m_taken { false };
    };

    // Per-CPU time around the lock since enable() (sched_stats=1 prints it):
    // spinning for it, holding it, and outside it (program runs, halts).
    struct CpuTimes {
        uint64_t spin_ns, held_ns, outside_ns, acquisitions, contended;
    };
    static CpuTimes times(unsigned cpu);

private:
    static inline bool s_enabled = false;
    static inline int s_owner = -1; // CPU index, -1: free (atomic)
    static constexpr unsigned kMaxCpus = 16;
    struct Clock {
        CpuTimes times;
        uint64_t since; // when this CPU last took or let go of the lock
    };
    static inline Clock s_clock[kMaxCpus] {};
};

} // namespace husk
