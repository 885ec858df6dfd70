// Futexes: threads sleeping on a 32-bit word of their address space until
// another wakes that word (FUTEX_WAIT/WAKE and their bitset forms). Keyed
// by (address space, address): private and shared futexes are the same
// thing while processes do not share memory.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class AddressSpace;

class Futex {
public:
    static constexpr uint32_t kAnyBit = 0xffffffff;
    // Sleeps while *address == expected, until woken (0), the monotonic
    // deadline passes (ETIMEDOUT), a signal arrives (ERESTARTSYS) or the
    // word differs already (EAGAIN).
    static kstd::ErrorOr<long> wait(AddressSpace* space, uintptr_t address, uint32_t expected, uint64_t deadline,
                                    uint32_t bitset);
    // Wakes up to `count` waiters of the word whose bitsets meet `bitset`;
    // returns how many.
    static long wake(AddressSpace* space, uintptr_t address, int count, uint32_t bitset);
    // Wakes up to `count` waiters of the word, then moves up to `move`
    // others to wait on `target` instead; returns how many were woken and
    // moved (FUTEX_REQUEUE, FUTEX_CMP_REQUEUE after the comparison).
    static long requeue(AddressSpace* space, uintptr_t address, int count, int move, uintptr_t target);
};

} // namespace husk
