// The signal module's rules (kernel/proc/Signals.h): default actions as
// signal(7) lists them, sets, and what the Linux oracle cannot show from
// one host process: each client process blocks signals for itself.
// (Kernel headers first: host macros would clash with the kernel's Linux
// ABI constants of the same names.)
#include "proc/Signals.h"
#include "Boot.h"
#include <csignal>
#include <cstdint>
#include <sys/syscall.h>

using namespace husk;

namespace {
uint64_t bit(int sig) { return 1ull << (sig - 1); }

long sigprocmask_as(long pid, int how, const uint64_t* set, uint64_t* old)
{
    return husk_syscall_as(pid, SYS_rt_sigprocmask, how, long(set), long(old), 8, 0, 0);
}
} // namespace

TEST(Signals, DefaultActionsFollowSignal7)
{
    for (int sig : { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS })
        EXPECT_EQ(Signals::default_action(sig), SignalDefault::Core) << sig;
    for (int sig : { SIGCHLD, SIGURG, SIGWINCH })
        EXPECT_EQ(Signals::default_action(sig), SignalDefault::Ignore) << sig;
    for (int sig : { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU })
        EXPECT_EQ(Signals::default_action(sig), SignalDefault::Stop) << sig;
    EXPECT_EQ(Signals::default_action(SIGCONT), SignalDefault::Continue);
    for (int sig : { SIGHUP, SIGINT, SIGKILL, SIGUSR1, SIGPIPE, SIGALRM, SIGTERM, SIGIO, 32, 64 })
        EXPECT_EQ(Signals::default_action(sig), SignalDefault::Terminate) << sig;
    EXPECT_FALSE(Signals::is_valid(0));
    EXPECT_TRUE(Signals::is_valid(64));
    EXPECT_FALSE(Signals::is_valid(65));
}

TEST(Signals, SetsUseLinuxBits)
{
    SignalSet s = SignalSet::of(SIGINT) | SignalSet::of(64);
    EXPECT_EQ(s.bits(), bit(SIGINT) | bit(64));
    EXPECT_TRUE(s.contains(64));
    EXPECT_FALSE(s.contains(SIGHUP));
    EXPECT_EQ(s.without(SignalSet::of(SIGINT)).bits(), bit(64));
    EXPECT_EQ(Signals::unblockable().bits(), bit(SIGKILL) | bit(SIGSTOP));
    EXPECT_TRUE(SignalSet().is_empty());
}

TEST(Signals, StandardSignalsCoalesceRealtimeOnesQueue)
{
    boot_kernel(); // the queue allocates from the kernel heap
    // (Numbers, not names: the host's <csignal> defines SIGRTMIN as a call.)
    auto info = [](int sig, int code) {
        linux::siginfo i {};
        i.si_signo = sig;
        i.si_code = code;
        return i;
    };
    SignalQueue q;
    EXPECT_EQ(q.add(info(10, 1)), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(info(10, 2)), SignalQueue::Added::AlreadyPending);
    EXPECT_EQ(q.add(info(40, 1)), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(info(40, 2)), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(info(35, 3)), SignalQueue::Added::Queued);
    EXPECT_EQ(q.set().bits(), bit(10) | bit(35) | bit(40));
    EXPECT_EQ(q.set().lowest(), 10);
    linux::siginfo got {};
    ASSERT_TRUE(q.take(40, got));
    EXPECT_EQ(got.si_code, 1);
    EXPECT_TRUE(q.contains(40)); // one more waits
    ASSERT_TRUE(q.take(40, got));
    EXPECT_EQ(got.si_code, 2);
    EXPECT_FALSE(q.contains(40));
    EXPECT_FALSE(q.take(40, got));
    ASSERT_TRUE(q.take(10, got));
    EXPECT_EQ(got.si_code, 1); // the first siginfo stands
    q.discard(SignalSet::of(35));
    EXPECT_TRUE(q.set().is_empty());
    // Real-time signals queue up to a limit (Linux: EAGAIN from sigqueue).
    for (size_t i = 0; i < SignalQueue::kMaxQueued; ++i)
        ASSERT_EQ(q.add(info(50, int(i))), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(info(50, 0)), SignalQueue::Added::Full);
    EXPECT_EQ(q.add(info(11, 0)), SignalQueue::Added::Queued); // a standard one still gets its bit
    q.clear();
    EXPECT_TRUE(q.set().is_empty());
}

TEST(Signals, QueueRemembersTheTimerOfAnEntry)
{
    boot_kernel();
    linux::siginfo i {};
    i.si_signo = 40;
    i.si_code = -2; // SI_TIMER
    SignalQueue q;
    EXPECT_FALSE(q.holds_timer(3));
    EXPECT_EQ(q.add(i, 3), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(i), SignalQueue::Added::Queued); // a sigqueue with the same code is no timer's
    EXPECT_TRUE(q.holds_timer(3));
    EXPECT_FALSE(q.holds_timer(4));
    linux::siginfo got {};
    int timer = -5;
    ASSERT_TRUE(q.take(40, got, &timer));
    EXPECT_EQ(timer, 3);
    EXPECT_FALSE(q.holds_timer(3));
    ASSERT_TRUE(q.take(40, got, &timer));
    EXPECT_EQ(timer, -1);
    EXPECT_EQ(q.add(i, 7), SignalQueue::Added::Queued);
    q.discard(SignalSet::of(40));
    EXPECT_FALSE(q.holds_timer(7));
    // A timer's standard signal queues beside one already pending.
    i.si_signo = 14;
    EXPECT_EQ(q.add(i), SignalQueue::Added::Queued);
    EXPECT_EQ(q.add(i), SignalQueue::Added::AlreadyPending);
    EXPECT_EQ(q.add(i, 2), SignalQueue::Added::Queued);
    ASSERT_TRUE(q.take(14, got, &timer));
    EXPECT_EQ(timer, -1);
    EXPECT_TRUE(q.contains(14));
    ASSERT_TRUE(q.take(14, got, &timer));
    EXPECT_EQ(timer, 2);
    EXPECT_FALSE(q.contains(14));
}

TEST(Signals, ClientsHaveTimersOfTheirOwn)
{
    boot_kernel();
    long a = husk_process_create("ta"), b = husk_process_create("tb");
    ASSERT_GT(a, 1);
    ASSERT_GT(b, 1);
    struct {
        uint64_t value;
        int32_t signo, notify, tid, pad[11];
    } none {};
    none.notify = 1; // SIGEV_NONE: nothing is sent to a client that could not take it
    int id_a = -1, id_b = -1;
    ASSERT_EQ(husk_syscall_as(a, SYS_timer_create, CLOCK_MONOTONIC, long(&none), long(&id_a), 0, 0, 0), 0);
    ASSERT_EQ(husk_syscall_as(b, SYS_timer_create, CLOCK_MONOTONIC, long(&none), long(&id_b), 0, 0, 0), 0);
    EXPECT_EQ(id_a, 0); // ids are per process
    EXPECT_EQ(id_b, 0);
    struct timespec spec[2] = { { 0, 0 }, { 100, 0 } }, cur[2] {};
    ASSERT_EQ(husk_syscall_as(a, SYS_timer_settime, id_a, 0, long(spec), 0, 0, 0), 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_timer_gettime, id_a, long(cur), 0, 0, 0, 0), 0);
    EXPECT_TRUE(cur[1].tv_sec == 99 || cur[1].tv_sec == 100);
    ASSERT_EQ(husk_syscall_as(b, SYS_timer_gettime, id_b, long(cur), 0, 0, 0, 0), 0);
    EXPECT_EQ(cur[1].tv_sec, 0); // b's own, never set
    EXPECT_EQ(husk_syscall_as(b, SYS_timer_delete, id_b, 0, 0, 0, 0, 0), 0);
    EXPECT_EQ(husk_syscall_as(b, SYS_timer_delete, id_b, 0, 0, 0, 0, 0), -EINVAL);
    EXPECT_EQ(husk_syscall_as(a, SYS_timer_getoverrun, id_a, 0, 0, 0, 0, 0), 0);
    EXPECT_EQ(husk_syscall_as(a, SYS_timer_delete, id_a, 0, 0, 0, 0, 0), 0);
}

TEST(Signals, EachClientBlocksForItself)
{
    boot_kernel();
    long a = husk_process_create("a"), b = husk_process_create("b");
    ASSERT_GT(a, 1);
    ASSERT_GT(b, 1);
    uint64_t usr1 = bit(SIGUSR1), all = ~0ull, old = 1;
    ASSERT_EQ(sigprocmask_as(a, SIG_BLOCK, &usr1, nullptr), 0);
    ASSERT_EQ(sigprocmask_as(b, SIG_BLOCK, nullptr, &old), 0);
    EXPECT_EQ(old, 0u);
    ASSERT_EQ(sigprocmask_as(a, SIG_BLOCK, nullptr, &old), 0);
    EXPECT_EQ(old, usr1);
    // SIGKILL and SIGSTOP are never blocked.
    ASSERT_EQ(sigprocmask_as(a, SIG_SETMASK, &all, nullptr), 0);
    ASSERT_EQ(sigprocmask_as(a, SIG_BLOCK, nullptr, &old), 0);
    EXPECT_EQ(old, ~(bit(SIGKILL) | bit(SIGSTOP)));
    EXPECT_EQ(sigprocmask_as(a, 3, &all, nullptr), -EINVAL);
    // A blocked signal waits: the process is still there to unblock it,
    // ignored by then.
    uint64_t ignore[4] = { 1, 0, 0, 0 }; // SIG_IGN
    ASSERT_EQ(husk_syscall_as(a, SYS_rt_sigaction, SIGUSR2, long(ignore), 0, 8, 0, 0), 0);
    ASSERT_EQ(husk_syscall_as(a, SYS_kill, a, SIGUSR2, 0, 0, 0, 0), 0);
    uint64_t none = 0;
    EXPECT_EQ(sigprocmask_as(a, SIG_SETMASK, &none, nullptr), 0);
    // SIGKILL's action is fixed.
    EXPECT_EQ(husk_syscall_as(a, SYS_rt_sigaction, SIGKILL, long(ignore), 0, 8, 0, 0), -EINVAL);
    EXPECT_EQ(husk_syscall_as(a, SYS_rt_sigaction, 65, 0, 0, 8, 0, 0), -EINVAL);
    EXPECT_EQ(husk_process_destroy(a), 0);
    EXPECT_EQ(husk_process_destroy(b), 0);
}
