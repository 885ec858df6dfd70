// Kernel threads, the scheduler, timers, wait queues, mutexes and condition
// variables. The test body runs on the adopted "init" kernel thread.
#include "Boot.h"
#include <husk/platform.h>
#include <string>
#include <vector>
#include "core/Mutex.h"
#include "core/Scheduler.h"
#include "core/Timer.h"
#include "core/WaitQueue.h"

using namespace husk;

namespace {
uint64_t now() { return husk_plat_clock_monotonic(); }
constexpr uint64_t kMs = 1000000;
} // namespace

TEST(Scheduler, NewThreadsRunInFifoOrderOnYield)
{
    boot_kernel();
    static std::string order;
    order.clear();
    Thread::create("a", [](void*) { order += "a"; }, nullptr);
    Thread::create("b", [](void*) { order += "b"; }, nullptr);
    Thread::create("c", [](void* arg) { order += static_cast<const char*>(arg); }, const_cast<char*>("c"));
    Scheduler::yield();
    EXPECT_EQ(order, "abc");
}

TEST(Scheduler, YieldInterleavesThreads)
{
    boot_kernel();
    static std::string trace;
    trace.clear();
    auto worker = [](void* arg) {
        for (int i = 0; i < 3; ++i) {
            trace += static_cast<const char*>(arg);
            Scheduler::yield();
        }
    };
    Thread::create("x", worker, const_cast<char*>("x"));
    Thread::create("y", worker, const_cast<char*>("y"));
    for (int i = 0; i < 5; ++i)
        Scheduler::yield();
    EXPECT_EQ(trace, "xyxyxy");
}

TEST(Scheduler, SleepLastsAtLeastItsDuration)
{
    boot_kernel();
    uint64_t start = now();
    Scheduler::sleep_until(start + 20 * kMs);
    uint64_t slept = now() - start;
    EXPECT_GE(slept, 20 * kMs);
    EXPECT_LT(slept, 2000 * kMs);
}

TEST(Scheduler, SleepersWakeInDeadlineOrder)
{
    boot_kernel();
    static std::string order;
    order.clear();
    struct Arg {
        const char* name;
        uint64_t delay;
    };
    static Arg args[] = { { "3", 30 * kMs }, { "1", 10 * kMs }, { "2", 20 * kMs } };
    for (auto& a : args)
        Thread::create("sleeper", [](void* p) {
            auto* a = static_cast<Arg*>(p);
            Scheduler::sleep_until(now() + a->delay);
            order += a->name;
        }, &a);
    Scheduler::sleep_until(now() + 60 * kMs);
    EXPECT_EQ(order, "123");
}

TEST(Scheduler, ExitedThreadsAreReaped)
{
    boot_kernel();
    size_t before = Scheduler::thread_count();
    for (int i = 0; i < 100; ++i)
        ASSERT_NE(Thread::create("short", [](void*) {}, nullptr), nullptr);
    EXPECT_EQ(Scheduler::thread_count(), before + 100);
    // Sleeping lets them run and die, and later switches reap them. On a
    // busy host the sleep may end before the last of them has run (the one
    // that dies last switches straight back here, unreaped until the next
    // switch): sleep again, within a bound, rather than assume 2 ms suffice.
    for (int round = 0; round < 500 && Scheduler::thread_count() != before; ++round)
        Scheduler::sleep_until(now() + 2 * kMs);
    EXPECT_EQ(Scheduler::thread_count(), before);
}

TEST(Timers, FireInDeadlineOrder)
{
    boot_kernel();
    static std::string fired;
    fired.clear();
    Timer t1, t2, t3;
    auto cb = [](void* arg) { fired += static_cast<const char*>(arg); };
    t1.callback = t2.callback = t3.callback = cb;
    t1.arg = const_cast<char*>("1");
    t2.arg = const_cast<char*>("2");
    t3.arg = const_cast<char*>("3");
    uint64_t base = now();
    TimerQueue::arm(t3, base + 15 * kMs);
    TimerQueue::arm(t1, base + 5 * kMs);
    TimerQueue::arm(t2, base + 10 * kMs);
    EXPECT_EQ(TimerQueue::next_deadline(), base + 5 * kMs);
    Scheduler::sleep_until(base + 30 * kMs);
    EXPECT_EQ(fired, "123");
    EXPECT_FALSE(t1.is_armed());
}

TEST(Timers, CancelledTimerDoesNotFire)
{
    boot_kernel();
    static int fired = 0;
    Timer t;
    t.callback = [](void*) { ++fired; };
    TimerQueue::arm(t, now() + 5 * kMs);
    TimerQueue::cancel(t);
    Scheduler::sleep_until(now() + 10 * kMs);
    EXPECT_EQ(fired, 0);
}

TEST(WaitQueue, TimesOutWithoutWaker)
{
    boot_kernel();
    WaitQueue q;
    uint64_t start = now();
    EXPECT_EQ(q.wait(start + 10 * kMs), WaitQueue::Result::TimedOut);
    EXPECT_GE(now() - start, 10 * kMs);
    EXPECT_FALSE(q.has_waiters());
}

TEST(WaitQueue, WokenByAnotherThread)
{
    boot_kernel();
    static WaitQueue q;
    Thread::create("waker", [](void*) {
        Scheduler::sleep_until(now() + 5 * kMs);
        q.wake_one();
    }, nullptr);
    EXPECT_EQ(q.wait(now() + 1000 * kMs), WaitQueue::Result::Woken);
}

TEST(WaitQueue, WakeAllWakesEveryone)
{
    boot_kernel();
    static WaitQueue q;
    static int woken = 0;
    woken = 0;
    for (int i = 0; i < 5; ++i)
        Thread::create("waiter", [](void*) {
            if (q.wait() == WaitQueue::Result::Woken)
                ++woken;
        }, nullptr);
    Scheduler::yield();
    EXPECT_EQ(q.wake_all(), 5u);
    Scheduler::yield();
    EXPECT_EQ(woken, 5);
}

TEST(Mutex, ExcludesOtherThreads)
{
    boot_kernel();
    static Mutex m;
    static int inside = 0, max_inside = 0, done = 0;
    for (int i = 0; i < 4; ++i)
        Thread::create("locker", [](void*) {
            for (int round = 0; round < 10; ++round) {
                MutexLocker lock(m);
                ++inside;
                max_inside = std::max(max_inside, inside);
                Scheduler::yield(); // others run while we hold the lock
                --inside;
            }
            ++done;
        }, nullptr);
    while (done < 4)
        Scheduler::yield();
    EXPECT_EQ(max_inside, 1);
}

TEST(Mutex, RecursiveLockPanics)
{
    boot_kernel();
    EXPECT_EXIT(
        {
            Mutex m;
            m.lock();
            m.lock();
        },
        testing::ExitedWithCode(125), "PANIC: mutex: recursive lock");
}

TEST(CondVar, ProducerConsumer)
{
    boot_kernel();
    static Mutex m;
    static CondVar cv;
    static std::vector<int> queue;
    static std::vector<int> consumed;
    Thread::create("producer", [](void*) {
        for (int i = 0; i < 20; ++i) {
            MutexLocker lock(m);
            queue.push_back(i);
            cv.signal();
        }
    }, nullptr);
    m.lock();
    while (consumed.size() < 20) {
        while (queue.empty())
            cv.wait(m);
        consumed.push_back(queue.front());
        queue.erase(queue.begin());
    }
    m.unlock();
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(consumed[size_t(i)], i);
}

TEST(CondVar, WaitTimesOut)
{
    boot_kernel();
    Mutex m;
    CondVar cv;
    m.lock();
    EXPECT_EQ(cv.wait(m, now() + 5 * kMs), WaitQueue::Result::TimedOut);
    EXPECT_TRUE(m.is_held_by_current());
    m.unlock();
}
