// futex(2): WAIT, WAKE and their bitset forms, private or not, with
// relative (WAIT) or absolute (WAIT_BITSET, either clock) timeouts;
// REQUEUE and CMP_REQUEUE (musl's condition variables use them). The
// priority-inheritance operations and WAKE_OP are not supported (ENOSYS).
#include "../mm/AddressSpace.h"
#include "../proc/Futex.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
long resume_wait(RestartBlock& restart)
{
    auto waited = Futex::wait(AddressSpace::current(), restart.args[0], uint32_t(restart.args[1]), restart.deadline,
                              uint32_t(restart.args[2]));
    if (!waited.is_error())
        return waited.value();
    int code = waited.error().code();
    return -long(code == ERESTARTSYS ? ERESTART_RESTARTBLOCK : code); // the block stays for the next restart
}
} // namespace

SysResult sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t timeout, uint64_t uaddr2, uint32_t val3)
{
    constexpr int kWait = 0, kWake = 1, kRequeue = 3, kCmpRequeue = 4, kWaitBitset = 9, kWakeBitset = 10;
    constexpr int kPrivate = 128, kClockRealtime = 256;
    int cmd = op & ~(kPrivate | kClockRealtime);
    AddressSpace* space = AddressSpace::current();
    switch (cmd) {
    case kWait:
    case kWaitBitset: {
        uint32_t bitset = cmd == kWait ? Futex::kAnyBit : val3;
        uint64_t deadline = UINT64_MAX;
        if (timeout) {
            uint64_t ns = TRY(timespec_to_ns(UserPtr<const linux::timespec>(timeout)));
            uint64_t now = husk_plat_clock_monotonic();
            if (cmd == kWait) { // relative
                deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
            } else if (op & kClockRealtime) { // absolute, wall clock
                uint64_t wall = husk_plat_clock_wall();
                deadline = ns <= wall ? now : now + (ns - wall);
            } else { // absolute, monotonic
                deadline = ns;
            }
        }
        auto waited = Futex::wait(space, uaddr, val, deadline, bitset);
        if (waited.is_error() && waited.error().code() == ERESTARTSYS && deadline != UINT64_MAX) {
            // With a timeout, no handler run: restart_syscall waits on till
            // the same deadline (Linux's futex_wait_restart).
            RestartBlock& restart = Signals::of_current_thread().restart;
            restart = { resume_wait, deadline, { uaddr, val, bitset, 0 } };
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
        return Futex::wake(space, uaddr, int(val > 0x7fffffff ? 0x7fffffff : val), cmd == kWake ? Futex::kAnyBit : val3);
    case kRequeue:
    case kCmpRequeue: {
        // The timeout argument carries the number to move.
        int wake = int(val > 0x7fffffff ? 0x7fffffff : val);
        int move = int(timeout > 0x7fffffff ? 0x7fffffff : timeout);
        if (cmd == kCmpRequeue) {
            uint32_t now = TRY(copy_in(UserPtr<const uint32_t>(uaddr)));
            if (now != val3)
                return err(EAGAIN);
        }
        if ((uaddr2 & 3) || (uaddr & 3))
            return err(EINVAL);
        return Futex::requeue(space, uaddr, wake, move, uaddr2);
    }
    default:
        return err(ENOSYS);
    }
}

} // namespace husk
