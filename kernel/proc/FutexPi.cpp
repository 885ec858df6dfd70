#include "FutexPi.h"
#include "../core/Scheduler.h"
#include "../core/WaitQueue.h"
#include "../kstd/IntrusiveList.h"
#include "../mm/UserAccess.h"
#include "Process.h"

namespace husk {

namespace {
struct PiWaiter {
    enum class Outcome { Waiting, Granted, OwnerGone };
    FutexKey key;
    uint32_t tid;
    uint32_t owner; // whom it waits for: the word's owner when it queued, or the last one handed the lock
    Outcome outcome { Outcome::Waiting };
    WaitQueue queue;
    kstd::ListNode node;
};
using PiWaiterList = kstd::IntrusiveList<PiWaiter, &PiWaiter::node>;
PiWaiterList& pi_waiters()
{
    static PiWaiterList list;
    return list;
}

PiWaiter* find(const FutexKey& key, PiWaiter::Outcome outcome)
{
    for (PiWaiter& w : pi_waiters())
        if (w.key == key && w.outcome == outcome)
            return &w;
    return nullptr;
}
PiWaiter* first_waiter(const FutexKey& key) { return find(key, PiWaiter::Outcome::Waiting); }

// The lock of w's key is w's now: the others wait for w. One handed over
// by an owner's end stays listed until it has written itself into the
// word, so that nobody takes the lock meanwhile.
void hand_over(PiWaiter& w, PiWaiter::Outcome outcome)
{
    if (outcome == PiWaiter::Outcome::Granted)
        PiWaiterList::remove(w);
    for (PiWaiter& other : pi_waiters())
        if (other.key == w.key && &other != &w)
            other.owner = w.tid;
    w.outcome = outcome;
    w.queue.wake_one();
}

bool read_word(uintptr_t address, uint32_t& value)
{
    return user_copy_in(&value, reinterpret_cast<const void*>(address), sizeof value) == 0;
}

// Stores `desired` if the word still holds `expected`. false: a fault;
// else `changed` says whether another CPU's thread changed it first
// (`expected` is then what it holds now).
bool replace_word(uintptr_t address, uint32_t& expected, uint32_t desired, bool& changed)
{
    uint32_t found;
    if (user_cmpxchg(reinterpret_cast<uint32_t*>(address), expected, desired, found) != 0)
        return false;
    changed = found != expected;
    expected = found;
    return true;
}

bool thread_exists(uint32_t tid)
{
    bool found = false;
    Process::for_each([&](Process& p) {
        for (Thread& t : p.threads())
            found = found || t.tid() == tid;
    });
    return found;
}
} // namespace

kstd::ErrorOr<long> FutexPi::lock(const FutexKey& key, uintptr_t address, uint64_t deadline, bool try_only)
{
    if (address & 3)
        return kstd::err(kstd::EINVAL);
    uint32_t me = Scheduler::current()->tid();
    uint32_t value;
    if (!read_word(address, value))
        return kstd::err(kstd::EFAULT);
    PiWaiter* heir = find(key, PiWaiter::Outcome::OwnerGone);
    uint32_t owner = 0;
    for (bool changed = true; changed;) {
        owner = value & kTidMask;
        if (owner == me)
            return kstd::err(kstd::EDEADLK);
        if (heir) {
            owner = heir->tid; // it owns the lock, its tid not yet in the word
        } else if (owner == 0) {
            // Free: ours, with the waiters' bit if others still sleep here.
            uint32_t taken = (value & kOwnerDied) | me | (first_waiter(key) ? kWaiters : 0);
            if (!replace_word(address, value, taken, changed))
                return kstd::err(kstd::EFAULT);
            if (!changed)
                return 0;
            continue;
        }
        // The owner's unlock must come to the kernel now. Linux sets the
        // bit before it looks for the owner, and leaves it after ESRCH or a
        // failed try (the next unlock clears it).
        changed = false;
        if (!(value & kWaiters) && !replace_word(address, value, value | kWaiters, changed))
            return kstd::err(kstd::EFAULT);
    }
    if (!heir && !thread_exists(owner))
        return kstd::err(kstd::ESRCH);
    if (try_only)
        return kstd::err(kstd::EAGAIN);
    PiWaiter w { key, me, owner, PiWaiter::Outcome::Waiting, {}, {} };
    pi_waiters().append(w);
    auto woke = w.queue.wait_interruptible(deadline);
    if (w.node.is_linked() && w.outcome == PiWaiter::Outcome::Waiting)
        PiWaiterList::remove(w);
    if (woke == WaitQueue::Result::Interrupted && w.outcome == PiWaiter::Outcome::Waiting)
        return kstd::err(kstd::ERESTARTNOINTR); // Linux's LOCK_PI: tried again after the handler
    if (w.outcome == PiWaiter::Outcome::Granted)
        return 0; // the unlock wrote our tid
    if (w.outcome == PiWaiter::Outcome::OwnerGone) {
        // The owner ended holding it; the new owner writes itself in, as
        // Linux's fixup_pi_owner does, keeping FUTEX_OWNER_DIED.
        bool ok = read_word(address, value);
        for (bool changed = true; ok && changed;)
            ok = replace_word(address, value, (value & kOwnerDied) | me | kWaiters, changed);
        PiWaiterList::remove(w);
        if (!ok)
            return kstd::err(kstd::EFAULT);
        return 0;
    }
    return kstd::err(kstd::ETIMEDOUT);
}

kstd::ErrorOr<long> FutexPi::unlock(const FutexKey& key, uintptr_t address)
{
    if (address & 3)
        return kstd::err(kstd::EINVAL);
    uint32_t me = Scheduler::current()->tid();
    uint32_t value;
    if (!read_word(address, value))
        return kstd::err(kstd::EFAULT);
    PiWaiter* next = first_waiter(key);
    for (bool changed = true; changed;) {
        if ((value & kTidMask) != me)
            return kstd::err(kstd::EPERM);
        if (!replace_word(address, value, next ? (next->tid | kWaiters) : 0, changed))
            return kstd::err(kstd::EFAULT);
    }
    if (next)
        hand_over(*next, PiWaiter::Outcome::Granted);
    return 0;
}

void FutexPi::owner_gone(uint32_t tid)
{
    for (;;) {
        PiWaiter* next = nullptr;
        for (PiWaiter& w : pi_waiters()) {
            if (w.owner == tid && w.outcome == PiWaiter::Outcome::Waiting) {
                next = &w;
                break;
            }
        }
        if (!next)
            return;
        hand_over(*next, PiWaiter::Outcome::OwnerGone);
    }
}

} // namespace husk
