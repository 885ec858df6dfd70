// futex(2): WAIT, WAKE and their bitset forms, REQUEUE and CMP_REQUEUE
// (musl's condition variables use them), WAKE_OP (glibc's before 2.25),
// private or process-shared (a word in MAP_SHARED memory is one futex in
// every process mapping it); the priority-inheritance locks LOCK_PI,
// LOCK_PI2, TRYLOCK_PI and UNLOCK_PI. The requeue-PI pair is not
// supported (ENOSYS). set_robust_list(2), get_robust_list(2): the list a
// thread's end walks.
//
// futex runs without the big lock (SyscallTable::runs_unlocked): a private
// WAIT, WAKE, their bitset forms, REQUEUE, CMP_REQUEUE and WAKE_OP keep to
// the futex buckets' locks (Futex.h) and take the big lock only for a page
// to bring in; every other operation takes it first.
#include "../core/BigLock.h"
#include "../core/Scheduler.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "../proc/Futex.h"
#include "../proc/FutexPi.h"
#include "../proc/RobustFutex.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
long resume_wait(RestartBlock& restart)
{
    FutexKey key = FutexKey::of(AddressSpace::current(), restart.args[0], restart.args[3] != 0);
    auto waited = Futex::wait(key, restart.args[0], uint32_t(restart.args[1]), restart.deadline,
                              uint32_t(restart.args[2]));
    if (!waited.is_error())
        return waited.value();
    int code = waited.error().code();
    return -long(code == ERESTARTSYS ? ERESTART_RESTARTBLOCK : code); // the block stays for the next restart
}

// The monotonic deadline of an absolute timeout on either clock.
uint64_t absolute_deadline(uint64_t ns, bool realtime)
{
    if (!realtime)
        return ns;
    uint64_t now = husk_plat_clock_monotonic(), wall = husk_plat_clock_wall();
    return ns <= wall ? now : now + (ns - wall);
}

// A timeout's timespec: read without the big lock when its page is in,
// else with it (taken now unless held), as timespec_to_ns reads it.
kstd::ErrorOr<uint64_t> read_timeout(BigLock::Guard& big, uint64_t address)
{
    linux::timespec t;
    if (user_copy_in_nofault(&t, reinterpret_cast<const void*>(address), sizeof t) != 0) {
        big.take();
        return timespec_to_ns(UserPtr<const linux::timespec>(address));
    }
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
        return err(EINVAL);
    if (uint64_t(t.tv_sec) > UINT64_MAX / 1000000000 - 1)
        return UINT64_MAX;
    return uint64_t(t.tv_sec) * 1000000000 + uint64_t(t.tv_nsec);
}

constexpr int kWait = 0, kWake = 1, kRequeue = 3, kCmpRequeue = 4, kWakeOp = 5, kLockPi = 6, kUnlockPi = 7,
              kTrylockPi = 8, kWaitBitset = 9, kWakeBitset = 10, kWaitRequeuePi = 11, kLockPi2 = 13;
constexpr int kPrivate = 128, kClockRealtime = 256;

// The operations that need no big lock: private keys (the address space
// and the address, no lookup of the mapping), no priority inheritance.
bool runs_unlocked(int op)
{
    int cmd = op & ~(kPrivate | kClockRealtime);
    return (op & kPrivate)
           && (cmd == kWait || cmd == kWake || cmd == kWaitBitset || cmd == kWakeBitset || cmd == kRequeue
               || cmd == kCmpRequeue || cmd == kWakeOp);
}

SysResult futex(uint64_t uaddr, int op, uint32_t val, uint64_t timeout, uint64_t uaddr2, uint32_t val3);
} // namespace

SysResult sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t timeout, uint64_t uaddr2, uint32_t val3)
{
    BigLock::Guard big(BigLock::Guard::later);
    if (!runs_unlocked(op))
        big.take();
    return futex(uaddr, op, val, timeout, uaddr2, val3);
}

namespace {
SysResult futex(uint64_t uaddr, int op, uint32_t val, uint64_t timeout, uint64_t uaddr2, uint32_t val3)
{

    BigLock::Guard big(BigLock::Guard::later); // for what the fast path meets that needs it
    int cmd = op & ~(kPrivate | kClockRealtime);
    // Linux takes FUTEX_CLOCK_REALTIME only where a deadline is absolute.
    if ((op & kClockRealtime) && cmd != kWaitBitset && cmd != kWaitRequeuePi && cmd != kLockPi2)
        return err(ENOSYS);
    AddressSpace* space = AddressSpace::current();
    bool shared = !(op & kPrivate);
    FutexKey key = FutexKey::of(space, uaddr, shared);
    switch (cmd) {
    case kWait:
    case kWaitBitset: {
        uint32_t bitset = cmd == kWait ? Futex::kAnyBit : val3;
        uint64_t deadline = UINT64_MAX;
        if (timeout) {
            uint64_t ns = TRY(read_timeout(big, timeout));
            uint64_t now = husk_plat_clock_monotonic();
            if (cmd == kWait) // relative
                deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
            else
                deadline = absolute_deadline(ns, op & kClockRealtime);
        }
        auto waited = Futex::wait(key, uaddr, val, deadline, bitset);
        if (waited.is_error() && waited.error().code() == ERESTARTSYS && deadline != UINT64_MAX) {
            // With a timeout, no handler run: restart_syscall waits on till
            // the same deadline (Linux's futex_wait_restart).
            RestartBlock& restart = Signals::of_current_thread().restart;
            restart = { resume_wait, deadline, { uaddr, val, bitset, shared ? 1u : 0u } };
            return err(ERESTART_RESTARTBLOCK);
        }
        if (waited.is_error())
            return waited.error();
        return waited.value();
    }
    case kWake:
    case kWakeBitset:
        if (cmd == kWakeBitset && val3 == 0)
            return err(EINVAL);
        // An int to Linux: 0 and negative counts (UINT_MAX is -1) wake one.
        return Futex::wake(key, int(val), cmd == kWake ? Futex::kAnyBit : val3);
    case kRequeue:
    case kCmpRequeue: {
        // The timeout argument carries the number to move; both counts
        // are ints, and a negative one is EINVAL (Linux's futex_requeue).
        int wake = int(val);
        int move = int(uint32_t(timeout));
        if (wake < 0 || move < 0 || (uaddr2 & 3) || (uaddr & 3))
            return err(EINVAL);
        return TRY(Futex::requeue(key, wake, move, FutexKey::of(space, uaddr2, shared), cmd == kCmpRequeue, uaddr, val3));
    }
    case kWakeOp:
        // The timeout argument carries the second count; Linux takes
        // both counts as ints (a negative one wakes one, as 0 does).
        if ((uaddr & 3) || (uaddr2 & 3))
            return err(EINVAL);
        return TRY(Futex::wake_op(key, int(val), FutexKey::of(space, uaddr2, shared), uaddr2,
                                  int(uint32_t(timeout)), val3));
    case kLockPi:
    case kLockPi2:
    case kTrylockPi: {
        // LOCK_PI's deadline is on the wall clock, LOCK_PI2's monotonic
        // unless FUTEX_CLOCK_REALTIME; both absolute. TRYLOCK_PI has none.
        uint64_t deadline = UINT64_MAX;
        if (timeout && cmd != kTrylockPi) {
            uint64_t ns = TRY(timespec_to_ns(UserPtr<const linux::timespec>(timeout)));
            deadline = absolute_deadline(ns, cmd == kLockPi || (op & kClockRealtime));
        }
        return TRY(FutexPi::lock(key, uaddr, deadline, cmd == kTrylockPi));
    }
    case kUnlockPi:
        return TRY(FutexPi::unlock(key, uaddr));
    default:
        return err(ENOSYS);
    }
}
} // namespace

SysResult sys_set_robust_list(uint64_t head, size_t len)
{
    if (len != RobustFutex::kHeadSize)
        return err(EINVAL);
    Scheduler::current()->set_robust_list(uintptr_t(head));
    return 0;
}

SysResult sys_get_robust_list(int pid, UserPtr<uint64_t> head, UserPtr<uint64_t> len)
{
    uintptr_t list = TRY(RobustFutex::list_of(uint32_t(pid)));
    TRY(copy_out(len, uint64_t(RobustFutex::kHeadSize)));
    TRY(copy_out(head, uint64_t(list)));
    return 0;
}

} // namespace husk
