// System V IPC rules the differential suite cannot show from a root host
// process: the owner/group/other permission classes (EACCES), who may
// change or remove an object (EPERM), and waits between kernel threads.
// (Kernel headers first: host macros would clash with the kernel's Linux
// ABI constants of the same names.)
#include "abi/Ipc.h"
#include "core/Scheduler.h"
#include "core/Thread.h"
#include "core/WaitQueue.h"
#include "ipc/MessageQueues.h"
#include "ipc/Semaphores.h"
#include "ipc/SharedSegments.h"
#include "Boot.h"

using namespace husk;

namespace {
constexpr int kEPERM = 1, kEAGAIN = 11, kEACCES = 13, kEINVAL = 22, kEIDRM = 43;

IpcCaller as(uint32_t uid, uint32_t gid)
{
    return { Credentials::of(uid, gid), 100 + uid };
}
const IpcCaller kOwner = as(1000, 1000), kGroup = as(1001, 1000), kOther = as(1002, 2000), kRoot = as(0, 0);

template<typename T>
int error_of(const kstd::ErrorOr<T>& r)
{
    return r.is_error() ? r.error().code() : 0;
}

long getval(const IpcCaller& who, int id)
{
    linux::semid64_ds ds {};
    auto r = Semaphores::control(who, id, 0, linux::GETVAL, 0, IoBuffer::kernel(nullptr), ds);
    return r.is_error() ? -r.error().code() : r.value();
}
int control(const IpcCaller& who, int id, int cmd, int value = 0)
{
    linux::semid64_ds ds {};
    if (cmd == linux::IPC_SET) {
        ds.sem_perm.uid = 1001;
        ds.sem_perm.gid = 1000;
        ds.sem_perm.mode = 0600;
    }
    return error_of(Semaphores::control(who, id, 0, cmd, value, IoBuffer::kernel(nullptr), ds));
}
} // namespace

TEST(Ipc, PermissionsFollowTheFirstClassTheCallerIsIn)
{
    boot_kernel();
    int32_t key = 0x1234;
    long id = Semaphores::get(kOwner, key, 2, linux::IPC_CREAT | 0640).value();
    EXPECT_EQ(getval(kOwner, int(id)), 0);
    EXPECT_EQ(getval(kGroup, int(id)), 0);           // r for the group
    EXPECT_EQ(control(kGroup, int(id), linux::SETVAL, 1), kEACCES); // no w
    EXPECT_EQ(getval(kOther, int(id)), -kEACCES);     // nothing for others
    EXPECT_EQ(getval(kRoot, int(id)), 0);             // CAP_IPC_OWNER
    // semget of an existing key checks the rights its flags ask for.
    EXPECT_EQ(Semaphores::get(kGroup, key, 0, 0).value(), id);
    EXPECT_EQ(Semaphores::get(kGroup, key, 0, 0440).value(), id);
    EXPECT_EQ(error_of(Semaphores::get(kGroup, key, 0, 0660)), kEACCES);
    EXPECT_EQ(error_of(Semaphores::get(kOther, key, 0, 0400)), kEACCES);
    // Only the owner, the creator or root change or remove it.
    EXPECT_EQ(control(kGroup, int(id), linux::IPC_RMID), kEPERM);
    EXPECT_EQ(control(kOther, int(id), linux::IPC_SET), kEPERM);
    EXPECT_EQ(control(kOwner, int(id), linux::IPC_SET), 0); // owner 1001, mode 0600
    EXPECT_EQ(getval(kGroup, int(id)), 0);                // the owner now
    EXPECT_EQ(getval(kOwner, int(id)), 0);                // the creator falls in the owner class too
    EXPECT_EQ(control(kRoot, int(id), linux::IPC_RMID), 0);
    EXPECT_EQ(getval(kRoot, int(id)), -kEINVAL);
}

TEST(Ipc, TheOwnerClassWinsEvenWhenItGrantsLess)
{
    boot_kernel();
    long id = Semaphores::get(kOwner, linux::IPC_PRIVATE, 1, 0044).value();
    EXPECT_EQ(getval(kOwner, int(id)), -kEACCES); // 0 for the owner, though the group may read
    EXPECT_EQ(getval(kGroup, int(id)), 0);
    EXPECT_EQ(control(kOwner, int(id), linux::IPC_RMID), 0); // removing needs no bits
}

TEST(Ipc, MessageQueueRightsAndSegmentStat)
{
    boot_kernel();
    long q = MessageQueues::get(kOwner, linux::IPC_PRIVATE, 0620).value();
    char text[8] = "hello";
    EXPECT_EQ(error_of(MessageQueues::send(kGroup, int(q), 1, IoBuffer::kernel(text), 5, 0)), 0); // w for the group
    char out[16];
    EXPECT_EQ(error_of(MessageQueues::receive(kGroup, int(q), IoBuffer::kernel(out), 8, 0, 0)), kEACCES);
    EXPECT_EQ(error_of(MessageQueues::send(kOther, int(q), 1, IoBuffer::kernel(text), 5, 0)), kEACCES);
    EXPECT_EQ(MessageQueues::receive(kOwner, int(q), IoBuffer::kernel(out), 8, 0, 0).value(), 5);
    linux::msqid64_ds ds {};
    ds.msg_qbytes = 20000;
    EXPECT_EQ(error_of(MessageQueues::control(kOwner, int(q), linux::IPC_STAT, ds)), 0);
    ds.msg_qbytes = 20000; // past MSGMNB: CAP_SYS_RESOURCE
    EXPECT_EQ(error_of(MessageQueues::control(kOwner, int(q), linux::IPC_SET, ds)), kEPERM);
    EXPECT_EQ(error_of(MessageQueues::control(kRoot, int(q), linux::IPC_SET, ds)), 0);
    EXPECT_EQ(error_of(MessageQueues::control(kOwner, int(q), linux::IPC_RMID, ds)), 0);

    long shm = SharedSegments::get(kOwner, 0x4321, 4096, linux::IPC_CREAT | 0600).value();
    linux::shmid64_ds sds {};
    EXPECT_EQ(error_of(SharedSegments::control(kOther, int(shm), linux::IPC_STAT, sds)), kEACCES);
    EXPECT_EQ(error_of(SharedSegments::get(kOther, 0x4321, 0, 0400)), kEACCES);
    int index = int(shm % linux::IPCMNI);
    EXPECT_EQ(SharedSegments::control(kOther, index, linux::SHM_STAT_ANY, sds).value(), shm); // no check
    EXPECT_EQ(error_of(SharedSegments::control(kOther, index, linux::SHM_STAT, sds)), kEACCES);
    EXPECT_EQ(sds.shm_segsz, 4096u);
    EXPECT_EQ(error_of(SharedSegments::control(kOther, int(shm), linux::IPC_RMID, sds)), kEPERM);
    EXPECT_EQ(error_of(SharedSegments::control(kOwner, int(shm), linux::IPC_RMID, sds)), 0);
}

namespace {
struct Waiter {
    int id;
    linux::sembuf op;
    uint64_t deadline { UINT64_MAX };
    bool done { false };
    int error { -1 };
};

void semop_thread(void* arg)
{
    auto* w = static_cast<Waiter*>(arg);
    w->error = error_of(Semaphores::operate(kOwner, w->id, &w->op, 1, w->deadline));
    w->done = true;
}

void settle(Waiter& w)
{
    for (int i = 0; i < 10 && !w.done; ++i)
        Scheduler::yield();
}
} // namespace

TEST(Ipc, SemopSleepsUntilAnotherThreadsOperationLetsItGo)
{
    boot_kernel();
    int id = int(Semaphores::get(kOwner, linux::IPC_PRIVATE, 1, 0600).value());
    Waiter w { id, { 0, -2, 0 } };
    Thread::create("semop", semop_thread, &w);
    settle(w);
    EXPECT_FALSE(w.done);
    linux::sembuf up { 0, 1, 0 };
    ASSERT_EQ(error_of(Semaphores::operate(kOwner, id, &up, 1, UINT64_MAX)), 0);
    settle(w);
    EXPECT_FALSE(w.done) << "-2 went through on 1";
    linux::semid64_ds ds {};
    EXPECT_EQ(Semaphores::control(kOwner, id, 0, linux::GETNCNT, 0, IoBuffer::kernel(nullptr), ds).value(), 1);
    ASSERT_EQ(error_of(Semaphores::operate(kOwner, id, &up, 1, UINT64_MAX)), 0);
    settle(w);
    ASSERT_TRUE(w.done);
    EXPECT_EQ(w.error, 0);
    EXPECT_EQ(getval(kOwner, id), 0); // the waker did the waiter's -2

    Waiter timed { id, { 0, -1, 0 }, husk_plat_clock_monotonic() + 2000000 };
    Thread::create("semtimedop", semop_thread, &timed);
    WaitQueue nap; // this thread sleeps past the deadline, so timers run
    nap.wait(husk_plat_clock_monotonic() + 20000000);
    settle(timed);
    ASSERT_TRUE(timed.done);
    EXPECT_EQ(timed.error, kEAGAIN);

    Waiter removed { id, { 0, -1, 0 } };
    Thread::create("semop", semop_thread, &removed);
    settle(removed);
    EXPECT_EQ(control(kOwner, id, linux::IPC_RMID), 0);
    settle(removed);
    ASSERT_TRUE(removed.done);
    EXPECT_EQ(removed.error, kEIDRM);
}
