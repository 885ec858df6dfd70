#include "Futex.h"
#include "../core/WaitQueue.h"
#include "../kstd/IntrusiveList.h"
#include "../mm/UserAccess.h"

namespace husk {

namespace {
struct Waiter {
    FutexKey key;
    uint32_t bitset;
    WaitQueue queue;
    kstd::ListNode node;
};
using WaiterList = kstd::IntrusiveList<Waiter, &Waiter::node>;
WaiterList& waiters()
{
    static WaiterList list;
    return list;
}
} // namespace

kstd::ErrorOr<long> Futex::wait(const FutexKey& key, uintptr_t address, uint32_t expected, uint64_t deadline,
                                uint32_t bitset)
{
    if (address & 3 || bitset == 0)
        return kstd::err(kstd::EINVAL);
    // Kernel code runs until it blocks: nothing can change the word or
    // wake it between this read and the sleep below.
    uint32_t value;
    if (user_copy_in(&value, reinterpret_cast<const void*>(address), sizeof value) != 0)
        return kstd::err(kstd::EFAULT);
    if (value != expected)
        return kstd::err(kstd::EAGAIN);
    Waiter w { key, bitset, {}, {} };
    waiters().append(w);
    auto result = w.queue.wait_interruptible(deadline);
    if (w.node.is_linked())
        WaiterList::remove(w);
    if (result == WaitQueue::Result::TimedOut)
        return kstd::err(kstd::ETIMEDOUT);
    if (result == WaitQueue::Result::Interrupted)
        return kstd::err(kstd::ERESTARTSYS);
    return 0;
}

long Futex::wake(const FutexKey& key, int count, uint32_t bitset)
{
    long woken = 0;
    for (Waiter& w : waiters()) {
        if (woken >= count)
            break;
        if (w.key == key && (w.bitset & bitset)) {
            WaiterList::remove(w);
            w.queue.wake_one();
            ++woken;
        }
    }
    return woken;
}

long Futex::requeue(const FutexKey& key, int count, int move, const FutexKey& target)
{
    long woken = 0, moved = 0;
    for (Waiter& w : waiters()) {
        if (!(w.key == key))
            continue;
        if (woken < count) {
            WaiterList::remove(w);
            w.queue.wake_one();
            ++woken;
        } else if (moved < move) {
            w.key = target;
            ++moved;
        } else {
            break;
        }
    }
    return woken + moved;
}

} // namespace husk
