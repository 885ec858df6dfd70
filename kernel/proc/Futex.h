// Futexes: threads sleeping on a 32-bit word of their address space until
// another wakes that word (FUTEX_WAIT/WAKE and their bitset forms, REQUEUE,
// CMP_REQUEUE and WAKE_OP), keyed
// by FutexKey (private: address space and address; process-shared: the
// shared memory and offset). The priority-inheritance operations are
// FutexPi's; robust lists, RobustFutex's.
//
// Waiters sit in a hash of buckets, each with a spin lock of its own
// (docs/architecture.md, "Locking model"): wait, wake, requeue and wake-op
// of a private futex run without the big lock. The word is read under the
// bucket's lock, so a waker that changes it and then wakes either finds
// the waiter queued or makes it see the new value; wake-op changes its
// second word under both buckets' locks with the platform's atomic
// compare-and-exchange. A word whose page is not in yet (or, to be
// written, still copy-on-write) is brought in under the big lock (taken
// then, if the caller does not hold it). Lock order: big lock, bucket
// (two: lower address first), scheduler lock.
#pragma once

#include "../kstd/ErrorOr.h"
#include "FutexKey.h"

namespace husk {

class Futex {
public:
    static constexpr uint32_t kAnyBit = 0xffffffff;
    // Sleeps while *address (the caller's word, of `key`) == expected,
    // until woken (0), the monotonic deadline passes (ETIMEDOUT), a signal
    // arrives (ERESTARTSYS) or the word differs already (EAGAIN). A
    // waiter that a wake took off the queue returns 0 even if a signal or
    // its deadline came too (Linux's rule: the wake is never lost).
    static kstd::ErrorOr<long> wait(const FutexKey& key, uintptr_t address, uint32_t expected, uint64_t deadline,
                                    uint32_t bitset);
    // Wakes up to `count` waiters of the word whose bitsets meet `bitset`
    // (as on Linux, a count below 1 wakes one); returns how many.
    static long wake(const FutexKey& key, int count, uint32_t bitset);
    // Wakes up to `count` waiters of the word, then moves up to `move`
    // others to wait on `target` instead; returns how many were woken and
    // moved (FUTEX_REQUEUE; FUTEX_CMP_REQUEUE when `compare`: only while
    // the word at `address` still holds `expected`, else EAGAIN).
    static kstd::ErrorOr<long> requeue(const FutexKey& key, int count, int move, const FutexKey& target,
                                       bool compare = false, uintptr_t address = 0, uint32_t expected = 0);
    // FUTEX_WAKE_OP: changes the word at `address2` (of `key2`) by the
    // encoded `op` (FutexOp.h) in one atomic step, wakes up to `count`
    // waiters of `key` and, when op's comparison holds for the word's old
    // value, up to `count2` of `key2`; returns how many in all. As on
    // Linux a count below 1 wakes one, and the bitsets are not looked at.
    // EFAULT when the word cannot be written; ENOSYS for an operation
    // Linux does not know (nothing changed) or a comparison it does not
    // know (the word changed, nobody woken).
    static kstd::ErrorOr<long> wake_op(const FutexKey& key, int count, const FutexKey& key2, uintptr_t address2,
                                       int count2, uint32_t op);
};

} // namespace husk
