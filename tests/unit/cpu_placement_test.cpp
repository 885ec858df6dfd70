// The scheduler's placement rules (kernel/core/CpuPlacement): where a
// thread made ready goes, whom an idle CPU steals from, when a slice end
// evens out two CPUs. Pure decisions: no CPUs needed.
#include <gtest/gtest.h>
#include "core/CpuPlacement.h"

using namespace husk;
using CpuPlacement::kNoCpu;

namespace {
CpuLoad idle() { return {}; }
CpuLoad busy(size_t queued = 0) { return { queued, true }; }
CpuLoad kicked(size_t queued) { return { queued, false }; } // its idle thread will run them
} // namespace

TEST(CpuPlacement, WokenThreadGoesBackToItsIdleCpu)
{
    CpuLoad cpus[] = { busy(), idle(), idle() };
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 3, 2, 0), 2u);
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 3, 1, 0), 1u);
}

TEST(CpuPlacement, BusyLastCpuGivesWayToAnIdleOneWakersFirst)
{
    CpuLoad cpus[] = { busy(), busy(), idle(), idle() };
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 4, 0, 1), 2u); // the first idle one
    cpus[1] = idle();                                     // the waker's idle thread woke it (a timer)
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 4, 0, 1), 1u);
}

TEST(CpuPlacement, AllBusyStaysOnLastCpu)
{
    CpuLoad cpus[] = { busy(3), busy() };
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 2, 0, 1), 0u);
}

TEST(CpuPlacement, KickedCpuIsNotIdle)
{
    // A halted CPU that was already given a thread counts as loaded.
    CpuLoad cpus[] = { busy(), kicked(1), idle() };
    EXPECT_EQ(CpuPlacement::for_ready(cpus, 3, 1, 0), 2u);
}

TEST(CpuPlacement, NewThreadGoesToAnIdleCpuElseTheLeastLoaded)
{
    CpuLoad spread[] = { busy(), busy(), idle() };
    EXPECT_EQ(CpuPlacement::for_ready(spread, 3, kNoCpu, 0), 2u);
    CpuLoad loaded[] = { busy(2), busy(1), busy() };
    EXPECT_EQ(CpuPlacement::for_ready(loaded, 3, kNoCpu, 0), 2u);
    CpuLoad tie[] = { busy(), busy(), busy() };
    EXPECT_EQ(CpuPlacement::for_ready(tie, 3, kNoCpu, 1), 1u); // the waker's
}

TEST(CpuPlacement, OneCpuAlwaysZero)
{
    CpuLoad one[] = { busy(5) };
    EXPECT_EQ(CpuPlacement::for_ready(one, 1, 0, 0), 0u);
    EXPECT_EQ(CpuPlacement::for_ready(one, 1, kNoCpu, 0), 0u);
    EXPECT_EQ(CpuPlacement::steal_from(one, 1, 0), kNoCpu);
    EXPECT_EQ(CpuPlacement::balance_from(one, 1, 0), kNoCpu);
}

TEST(CpuPlacement, IdleCpuStealsFromTheBusiestQueue)
{
    CpuLoad cpus[] = { idle(), busy(1), busy(3), busy(2) };
    EXPECT_EQ(CpuPlacement::steal_from(cpus, 4, 0), 2u);
}

TEST(CpuPlacement, NothingToStealFromRunningOrKickedCpus)
{
    CpuLoad cpus[] = { idle(), busy(), kicked(2) };
    EXPECT_EQ(CpuPlacement::steal_from(cpus, 3, 0), kNoCpu);
}

TEST(CpuPlacement, SliceEndPullsOnlyAcrossAGapOfTwo)
{
    // This CPU (0) runs one thread: another with 3 (1 running, 2 waiting) gives one.
    CpuLoad gap[] = { busy(), busy(2) };
    EXPECT_EQ(CpuPlacement::balance_from(gap, 2, 0), 1u);
    // 1 against 2: moving one would only swap the imbalance.
    CpuLoad close[] = { busy(), busy(1) };
    EXPECT_EQ(CpuPlacement::balance_from(close, 2, 0), kNoCpu);
    // The busiest of several.
    CpuLoad many[] = { busy(), busy(2), busy(4), busy(1) };
    EXPECT_EQ(CpuPlacement::balance_from(many, 4, 0), 2u);
}

TEST(CpuPlacement, LockHolderTakesFromAnyQueue)
{
    // Kicked CPUs wait for the big lock this one keeps: their threads count.
    CpuLoad cpus[] = { busy(), kicked(1), kicked(2), idle() };
    EXPECT_EQ(CpuPlacement::longest_queue(cpus, 4, 0), 2u);
    CpuLoad none[] = { busy(1), idle() };
    EXPECT_EQ(CpuPlacement::longest_queue(none, 2, 0), kNoCpu);
}
