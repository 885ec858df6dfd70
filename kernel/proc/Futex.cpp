#include "Futex.h"
#include "../core/BigLock.h"
#include "../core/SpinLock.h"
#include "../core/WaitQueue.h"
#include "../kstd/IntrusiveList.h"
#include "../mm/UserAccess.h"
#include "FutexOp.h"

namespace husk {

namespace {
struct Bucket;

struct Waiter {
    FutexKey key;
    uint32_t bitset;
    Bucket* bucket;          // where it waits: changed (requeue) with both buckets' locks held
    WaitQueue queue;         // its own, which a wake or a signal ends
    WaitQueueWaiter sleeper; // on `queue`
    kstd::ListNode node;     // on its bucket, until woken or it leaves
};
using WaiterList = kstd::IntrusiveList<Waiter, &Waiter::node>;

struct Bucket {
    SpinLock lock;
    WaiterList waiters;
};

constexpr size_t kBuckets = 256;
Bucket g_buckets[kBuckets];

Bucket& bucket_of(const FutexKey& key)
{
    uint64_t h = (uint64_t(uintptr_t(key.object)) ^ (key.offset >> 2)) * 0x9e3779b97f4a7c15ull;
    return g_buckets[(h >> 32) % kBuckets];
}

// Reads the word under a bucket's lock; false when its page is not in.
bool read_word(uintptr_t address, uint32_t& value)
{
    return user_copy_in_nofault(&value, reinterpret_cast<const void*>(address), sizeof value) == 0;
}

// The word's page could not be read without the big lock: with it (taken
// now unless held), it is brought in. False: the address is bad (EFAULT).
bool fault_in(BigLock::Guard& big, uintptr_t address)
{
    big.take();
    uint32_t value;
    return user_copy_in(&value, reinterpret_cast<const void*>(address), sizeof value) == 0;
}

// Changes the word by `op` with a compare-and-exchange loop (a program's
// thread on another CPU may change it meanwhile), under bucket locks;
// `old` is the value it replaced. False when its page is not in or not
// writable yet.
bool change_word(uint32_t* word, const FutexOp& op, uint32_t& old)
{
    uint32_t expected = 0; // a guess: the first exchange reads the word
    for (;;) {
        if (user_cmpxchg_nofault(word, expected, op.apply(expected), old) != 0)
            return false;
        if (old == expected)
            return true;
        expected = old;
    }
}

// Takes the waiter off its bucket if it is still there; true if it was
// (no wake took it). Its bucket may change under it (requeue): the lock
// taken must be that of the bucket it is on.
bool leave(Waiter& w)
{
    for (;;) {
        Bucket* b = __atomic_load_n(&w.bucket, __ATOMIC_ACQUIRE);
        unsigned long irq = b->lock.lock();
        if (b == __atomic_load_n(&w.bucket, __ATOMIC_RELAXED)) {
            bool queued = w.node.is_linked();
            WaiterList::remove(w);
            b->lock.unlock(irq);
            return queued;
        }
        b->lock.unlock(irq);
    }
}

// Wakes one waiter the caller took off its bucket (bucket lock held).
void wake_waiter(Waiter& w)
{
    WaiterList::remove(w);
    w.queue.wake_one();
}

// Wakes waiters of `key` in `b` (its lock held) whose bitset meets
// `bitset`, as Linux counts: one before it compares, so a count of 0 or
// below wakes one too.
long wake_locked(Bucket& b, const FutexKey& key, int count, uint32_t bitset)
{
    long woken = 0;
    for (Waiter& w : b.waiters) {
        if (w.key == key && (w.bitset & bitset)) {
            wake_waiter(w);
            if (++woken >= count)
                break;
        }
    }
    return woken;
}

// Locks two buckets in address order (one if they are the same).
struct BucketPair {
    Bucket& a;
    Bucket& b;
    unsigned long irq_first { 0 }, irq_second { 0 };
    BucketPair(Bucket& x, Bucket& y) : a(&x < &y ? x : y), b(&x < &y ? y : x) { }
    void lock()
    {
        irq_first = a.lock.lock();
        if (&a != &b)
            irq_second = b.lock.lock();
    }
    void unlock()
    {
        if (&a != &b)
            b.lock.unlock(irq_second);
        a.lock.unlock(irq_first);
    }
};
} // namespace

kstd::ErrorOr<long> Futex::wait(const FutexKey& key, uintptr_t address, uint32_t expected, uint64_t deadline,
                                uint32_t bitset)
{
    if (address & 3 || bitset == 0)
        return kstd::err(kstd::EINVAL);
    BigLock::Guard big(BigLock::Guard::later);
    Waiter w { key, bitset, &bucket_of(key), {}, {}, {} };
    for (;;) {
        Bucket& b = *w.bucket;
        unsigned long irq = b.lock.lock();
        uint32_t value;
        if (!read_word(address, value)) {
            b.lock.unlock(irq);
            if (!fault_in(big, address))
                return kstd::err(kstd::EFAULT);
            continue;
        }
        if (value != expected) {
            b.lock.unlock(irq);
            return kstd::err(kstd::EAGAIN);
        }
        b.waiters.append(w);
        // On its queue before the bucket's lock goes: a wake from now on
        // finds it there (order: bucket lock, then the scheduler's).
        w.queue.prepare(w.sleeper, true);
        b.lock.unlock(irq);
        break;
    }
    auto result = w.queue.finish(w.sleeper, deadline);
    if (!leave(w))
        return 0; // a wake took it off the bucket
    if (result == WaitQueue::Result::TimedOut)
        return kstd::err(kstd::ETIMEDOUT);
    if (result == WaitQueue::Result::Interrupted)
        return kstd::err(kstd::ERESTARTSYS);
    return 0;
}

long Futex::wake(const FutexKey& key, int count, uint32_t bitset)
{
    Bucket& b = bucket_of(key);
    SpinGuard guard(b.lock);
    return wake_locked(b, key, count, bitset);
}

kstd::ErrorOr<long> Futex::requeue(const FutexKey& key, int count, int move, const FutexKey& target, bool compare,
                                   uintptr_t address, uint32_t expected)
{
    BigLock::Guard big(BigLock::Guard::later);
    Bucket& from = bucket_of(key);
    Bucket& to = bucket_of(target);
    BucketPair locks(from, to);
    for (;;) {
        locks.lock();
        uint32_t value = expected;
        if (!compare || read_word(address, value)) {
            if (value == expected)
                break;
            locks.unlock();
            return kstd::err(kstd::EAGAIN);
        }
        locks.unlock();
        if (!fault_in(big, address))
            return kstd::err(kstd::EFAULT);
    }
    long woken = 0, moved = 0;
    for (Waiter& w : from.waiters) {
        if (!(w.key == key))
            continue;
        if (woken < count) {
            wake_waiter(w);
            ++woken;
        } else if (moved < move) {
            w.key = target;
            if (&from != &to) {
                WaiterList::remove(w);
                to.waiters.append(w);
                __atomic_store_n(&w.bucket, &to, __ATOMIC_RELEASE);
            }
            ++moved;
        } else {
            break;
        }
    }
    locks.unlock();
    return woken + moved;
}

kstd::ErrorOr<long> Futex::wake_op(const FutexKey& key, int count, const FutexKey& key2, uintptr_t address2,
                                   int count2, uint32_t encoded)
{
    FutexOp op = FutexOp::decode(encoded);
    if (!op.known_op())
        return kstd::err(kstd::ENOSYS);
    auto* word = reinterpret_cast<uint32_t*>(address2);
    BigLock::Guard big(BigLock::Guard::later);
    Bucket& first = bucket_of(key);
    Bucket& second = bucket_of(key2);
    BucketPair locks(first, second);
    uint32_t old;
    for (;;) {
        locks.lock();
        if (change_word(word, op, old))
            break;
        locks.unlock();
        big.take();
        if (user_fault_in_writable(word) != 0)
            return kstd::err(kstd::EFAULT);
    }
    if (!op.known_cmp()) {
        locks.unlock();
        return kstd::err(kstd::ENOSYS);
    }
    long woken = wake_locked(first, key, count, kAnyBit);
    if (op.holds(old))
        woken += wake_locked(second, key2, count2, kAnyBit);
    locks.unlock();
    return woken;
}

} // namespace husk
