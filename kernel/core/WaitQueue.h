// Threads waiting for a condition. A waiter may give a deadline; wait()
// tells whether it was woken or timed out.
#pragma once

#include "../kstd/IntrusiveList.h"
#include "Thread.h"

namespace husk {

class WaitQueue {
public:
    enum class Result { Woken, TimedOut };

    // Blocks the current thread until wake_one/wake_all or the deadline
    // (UINT64_MAX: none). Callers re-check their condition afterwards.
    Result wait(uint64_t deadline = UINT64_MAX);
    bool wake_one();
    size_t wake_all();
    bool has_waiters() const { return !m_waiters.is_empty(); }

private:
    struct Waiter {
        Thread* thread;
        bool woken { false };
        kstd::ListNode node;
    };
    static void on_timeout(void* waiter);
    kstd::IntrusiveList<Waiter, &Waiter::node> m_waiters;
};

} // namespace husk
