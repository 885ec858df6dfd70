// Futexes: threads sleeping on a 32-bit word of their address space until
// another wakes that word (FUTEX_WAIT/WAKE and their bitset forms), keyed
// by FutexKey (private: address space and address; process-shared: the
// shared memory and offset). The priority-inheritance operations are
// FutexPi's; robust lists, RobustFutex's.
#pragma once

#include "../kstd/ErrorOr.h"
#include "FutexKey.h"

namespace husk {

class Futex {
public:
    static constexpr uint32_t kAnyBit = 0xffffffff;
    // Sleeps while *address (the caller's word, of `key`) == expected,
    // until woken (0), the monotonic deadline passes (ETIMEDOUT), a signal
    // arrives (ERESTARTSYS) or the word differs already (EAGAIN).
    static kstd::ErrorOr<long> wait(const FutexKey& key, uintptr_t address, uint32_t expected, uint64_t deadline,
                                    uint32_t bitset);
    // Wakes up to `count` waiters of the word whose bitsets meet `bitset`;
    // returns how many.
    static long wake(const FutexKey& key, int count, uint32_t bitset);
    // Wakes up to `count` waiters of the word, then moves up to `move`
    // others to wait on `target` instead; returns how many were woken and
    // moved (FUTEX_REQUEUE, FUTEX_CMP_REQUEUE after the comparison).
    static long requeue(const FutexKey& key, int count, int move, const FutexKey& target);
};

} // namespace husk
