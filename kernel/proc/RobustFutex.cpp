#include "RobustFutex.h"
#include "../core/Scheduler.h"
#include "../core/Thread.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "Futex.h"
#include "FutexPi.h"
#include "Process.h"

namespace husk {

namespace {
constexpr unsigned kListLimit = 2048; // Linux's ROBUST_LIST_LIMIT: a long or circular list stops here

// A list pointer: the entry, and its low bit, which marks a PI lock.
bool fetch_entry(uintptr_t at, uintptr_t& entry, bool& pi)
{
    uint64_t value;
    if (user_copy_in(&value, reinterpret_cast<const void*>(at), sizeof value) != 0)
        return false;
    entry = uintptr_t(value & ~uint64_t(1));
    pi = value & 1;
    return true;
}

// Linux's handle_futex_death: the lock word at `address` of a thread
// `tid` that ends. False when the word cannot be reached (the walk stops).
bool handle_death(uintptr_t address, uint32_t tid, bool pi, bool pending)
{
    if (address & 3)
        return false;
    uint32_t value;
    if (user_copy_in(&value, reinterpret_cast<const void*>(address), sizeof value) != 0)
        return false;
    uint32_t owner = value & FutexPi::kTidMask;
    // Killed between unlocking and waking (or a woken waiter killed before
    // it took the lock): the word is consistent, pass the wake on.
    bool wake = pending && !pi && owner == 0;
    if (!wake && owner != tid)
        return true;
    if (!wake) {
        // A waiter on another CPU may set FUTEX_WAITERS meanwhile (in user
        // space): a compare-and-exchange from the value read, again with
        // what changed, as Linux's.
        for (;;) {
            uint32_t died = (value & FutexPi::kWaiters) | FutexPi::kOwnerDied, found;
            if (user_cmpxchg(reinterpret_cast<uint32_t*>(address), value, died, found) != 0)
                return false;
            if (found == value)
                break;
            value = found;
            if ((value & FutexPi::kTidMask) != tid)
                return true; // no longer its lock
        }
        // A PI lock's waiter is handed the lock by FutexPi::owner_gone.
        wake = !pi && (value & FutexPi::kWaiters);
    }
    if (wake)
        Futex::wake(FutexKey::of(AddressSpace::current(), address, true), 1, Futex::kAnyBit);
    return true;
}

void walk(uintptr_t head, uint32_t tid)
{
    uintptr_t entry, pending;
    bool pi, pending_pi;
    int64_t futex_offset;
    if (!fetch_entry(head, entry, pi)
        || user_copy_in(&futex_offset, reinterpret_cast<const void*>(head + 8), sizeof futex_offset) != 0
        || !fetch_entry(head + 16, pending, pending_pi))
        return;
    // A pending lock may be on the list already: it is handled once, last.
    for (unsigned limit = kListLimit; entry != head && limit; --limit) {
        uintptr_t next;
        bool next_pi;
        bool fetched = fetch_entry(entry, next, next_pi);
        if (entry != pending && !handle_death(entry + uintptr_t(futex_offset), tid, pi, false))
            return;
        if (!fetched)
            return;
        entry = next;
        pi = next_pi;
    }
    if (pending)
        handle_death(pending + uintptr_t(futex_offset), tid, pending_pi, true);
}
} // namespace

void RobustFutex::release(Thread& self)
{
    uintptr_t head = self.robust_list();
    self.set_robust_list(0);
    if (head)
        walk(head, self.tid());
    FutexPi::owner_gone(self.tid());
}

kstd::ErrorOr<uintptr_t> RobustFutex::list_of(uint32_t tid)
{
    if (tid == 0)
        return Scheduler::current()->robust_list();
    Thread* found = nullptr;
    Process::for_each([&](Process& p) {
        for (Thread& t : p.threads())
            if (t.tid() == tid)
                found = &t;
    });
    if (!found)
        return kstd::err(kstd::ESRCH);
    return found->robust_list();
}

} // namespace husk
