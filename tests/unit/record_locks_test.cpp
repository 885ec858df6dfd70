// Record locks across owners, which the differential suite cannot show
// from one host process: F_SETLKW sleeping until the range is free,
// deadlock detection between POSIX owners, release of a whole owner.
// (Kernel headers first: host macros would clash with the kernel's Linux
// ABI constants of the same names.)
#include "abi/Linux.h"
#include "core/Scheduler.h"
#include "vfs/RecordLocks.h"
#include "vfs/Vfs.h"
#include "Boot.h"

using namespace husk;

namespace {
int owner_a, owner_b; // any distinct addresses serve as owners
const RecordLocks::Owner A { &owner_a, 10, false };
const RecordLocks::Owner B { &owner_b, 20, false };

RecordLocks::Request range(short type, uint64_t start, uint64_t end) { return { type, start, end }; }

struct Waiter {
    const Vnode* vnode;
    RecordLocks::Request req;
    bool done { false };
    int error { -1 };
};

void wait_as_b(void* arg)
{
    auto* w = static_cast<Waiter*>(arg);
    auto r = RecordLocks::set(*w->vnode, B, w->req, true);
    w->error = r.is_error() ? r.error().code() : 0;
    w->done = true;
}
} // namespace

TEST(RecordLocks, WaitSleepsUntilTheRangeIsFree)
{
    boot_kernel();
    auto root = Vfs::root();
    ASSERT_FALSE(RecordLocks::set(*root, A, range(linux::F_WRLCK, 0, 99), false).is_error());
    auto busy = RecordLocks::set(*root, B, range(linux::F_RDLCK, 50, 50), false);
    ASSERT_TRUE(busy.is_error());
    EXPECT_EQ(busy.error().code(), 11); // EAGAIN

    Waiter w { root.ptr(), range(linux::F_RDLCK, 50, 50) };
    Thread::create("waiter", wait_as_b, &w);
    for (int i = 0; i < 5; ++i)
        Scheduler::yield();
    EXPECT_FALSE(w.done) << "F_SETLKW returned while the range was locked";

    // Unlocking another part of the range is not enough.
    ASSERT_FALSE(RecordLocks::set(*root, A, range(linux::F_UNLCK, 0, 9), false).is_error());
    for (int i = 0; i < 5; ++i)
        Scheduler::yield();
    EXPECT_FALSE(w.done);

    ASSERT_FALSE(RecordLocks::set(*root, A, range(linux::F_UNLCK, 40, 60), false).is_error());
    for (int i = 0; i < 5 && !w.done; ++i)
        Scheduler::yield();
    ASSERT_TRUE(w.done);
    EXPECT_EQ(w.error, 0);

    RecordLocks::Conflict c;
    ASSERT_TRUE(RecordLocks::find_conflict(*root, A, range(linux::F_WRLCK, 0, UINT64_MAX), c));
    EXPECT_EQ(c.pid, 20);
    EXPECT_EQ(c.start, 50u);
    EXPECT_EQ(c.end, 50u);
    RecordLocks::release_all(&owner_a);
    RecordLocks::release_all(&owner_b);
    EXPECT_FALSE(RecordLocks::find_conflict(*root, A, range(linux::F_WRLCK, 0, UINT64_MAX), c));
}

TEST(RecordLocks, TwoOwnersWaitingForEachOtherIsEdeadlk)
{
    boot_kernel();
    auto root = Vfs::root();
    ASSERT_FALSE(RecordLocks::set(*root, A, range(linux::F_WRLCK, 0, 0), false).is_error());
    ASSERT_FALSE(RecordLocks::set(*root, B, range(linux::F_WRLCK, 1, 1), false).is_error());
    Waiter w { root.ptr(), range(linux::F_WRLCK, 0, 0) };
    Thread::create("waiter", wait_as_b, &w); // B waits for A
    for (int i = 0; i < 3; ++i)
        Scheduler::yield();
    ASSERT_FALSE(w.done);
    auto r = RecordLocks::set(*root, A, range(linux::F_WRLCK, 1, 1), true); // A would wait for B
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), 35); // EDEADLK

    // A process ending drops its locks: B's wait ends.
    RecordLocks::release_all(&owner_a);
    for (int i = 0; i < 5 && !w.done; ++i)
        Scheduler::yield();
    ASSERT_TRUE(w.done);
    EXPECT_EQ(w.error, 0);
    RecordLocks::release_all(&owner_b);
}
