// A lock held for a few instructions by whichever CPU takes it, with
// interrupts masked meanwhile (the tick cannot re-enter the scheduler on
// a CPU that holds one). Holders never block, never wait for the big lock
// and never wait for other CPUs to acknowledge an IPI (a TLB shootdown):
// a CPU spinning here does not answer them. docs/architecture.md,
// "Locking model", gives the order in which they nest.
#pragma once

#include <husk/platform.h>
#include "BigLock.h"

namespace husk {

class SpinLock {
public:
    // Returns the interrupt state to hand back to unlock().
    unsigned long lock();
    void unlock(unsigned long irq);
    // Whether this CPU holds it.
    bool held_here() const { return __atomic_load_n(&m_owner, __ATOMIC_RELAXED) == int(husk_plat_cpu_id()); }

private:
    friend class Scheduler; // hands its lock over across a context switch
    int m_owner { -1 };     // CPU index, -1: free
};

// Holds a SpinLock for a scope.
class SpinGuard {
public:
    explicit SpinGuard(SpinLock& lock) : m_lock(lock), m_irq(lock.lock()) { }
    ~SpinGuard() { m_lock.unlock(m_irq); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

private:
    SpinLock& m_lock;
    unsigned long m_irq;
};

// Holds a SpinLock for a scope once other CPUs run (BigLock::enabled), for
// locks that only other CPUs need keeping out (the heap's, an address
// space's map lock): with one CPU kernel code runs alone and no interrupt
// handler takes them, so their cost (hot paths: every allocation, every
// page fault) is left out there.
class SmpSpinGuard {
public:
    explicit SmpSpinGuard(SpinLock& lock) : m_lock(BigLock::enabled() ? &lock : nullptr)
    {
        if (m_lock)
            m_irq = m_lock->lock();
    }
    ~SmpSpinGuard()
    {
        if (m_lock)
            m_lock->unlock(m_irq);
    }
    SmpSpinGuard(const SmpSpinGuard&) = delete;
    SmpSpinGuard& operator=(const SmpSpinGuard&) = delete;

private:
    SpinLock* m_lock;
    unsigned long m_irq { 0 };
};

} // namespace husk
