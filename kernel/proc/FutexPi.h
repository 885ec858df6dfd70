// Priority-inheritance futexes (FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI,
// UNLOCK_PI): the kernel takes part in the lock protocol. The word is the
// owner's tid | FUTEX_WAITERS (someone sleeps in the kernel: unlocking must
// come here) | FUTEX_OWNER_DIED (the owner ended holding it). Locking a free
// word writes the caller's tid; unlocking hands the lock to the first
// waiter by writing its tid. Every thread has the same priority, so the
// waiters are served in order and nobody's priority changes. The waiters
// have a list of their own, apart from Futex's.
//
// The kernel's side runs under the big lock, but the program's threads on
// other CPUs change the word meanwhile (their uncontended lock and unlock
// are a cmpxchg in user space): every change the kernel makes is a
// compare-and-exchange of the value it decided on, tried again from the
// new value when it lost the race, as Linux's futex_lock_pi_atomic.
#pragma once

#include "../kstd/ErrorOr.h"
#include "FutexKey.h"

namespace husk {

class FutexPi {
public:
    static constexpr uint32_t kWaiters = 0x80000000;   // FUTEX_WAITERS
    static constexpr uint32_t kOwnerDied = 0x40000000; // FUTEX_OWNER_DIED
    static constexpr uint32_t kTidMask = 0x3fffffff;   // FUTEX_TID_MASK

    // Takes the lock of `key` (the caller's word at `address`) for the
    // calling thread: at once when the word's owner is 0 (FUTEX_OWNER_DIED
    // kept), else after sleeping until an unlock or the owner's end hands
    // it over, or until the monotonic deadline (ETIMEDOUT). EDEADLK when the
    // caller owns it, ESRCH when the owner tid is no thread. With try_only
    // it does not sleep (EAGAIN).
    static kstd::ErrorOr<long> lock(const FutexKey& key, uintptr_t address, uint64_t deadline, bool try_only);
    // Releases the caller's lock: to the first waiter (the word becomes its
    // tid | FUTEX_WAITERS), else the word becomes 0. EPERM when the caller
    // does not own it.
    static kstd::ErrorOr<long> unlock(const FutexKey& key, uintptr_t address);
    // Thread `tid` ended: the first waiter of each lock it owned gets it,
    // FUTEX_OWNER_DIED kept (Linux's exit_pi_state_list).
    static void owner_gone(uint32_t tid);
};

} // namespace husk
