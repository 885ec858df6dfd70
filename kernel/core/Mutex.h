// Sleeping mutex and condition variable for kernel threads.
#pragma once

#include "WaitQueue.h"

namespace husk {

class Mutex {
public:
    void lock();
    bool try_lock();
    void unlock();
    bool is_held_by_current() const;

private:
    Thread* m_owner { nullptr };
    WaitQueue m_waiters;
};

class MutexLocker {
public:
    explicit MutexLocker(Mutex& m) : m_mutex(m) { m_mutex.lock(); }
    ~MutexLocker() { m_mutex.unlock(); }
    MutexLocker(const MutexLocker&) = delete;
    MutexLocker& operator=(const MutexLocker&) = delete;

private:
    Mutex& m_mutex;
};

class CondVar {
public:
    // Atomically releases mutex and waits; re-acquires before returning.
    WaitQueue::Result wait(Mutex& mutex, uint64_t deadline = UINT64_MAX);
    void signal() { m_waiters.wake_one(); }
    void broadcast() { m_waiters.wake_all(); }

private:
    WaitQueue m_waiters;
};

} // namespace husk
