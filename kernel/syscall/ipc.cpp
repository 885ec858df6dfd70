// System V IPC (svipc(7)): shared memory segments, semaphore sets and
// message queues. kernel/ipc decides; these copy arguments and results.
#include "../abi/Ipc.h"
#include "../ipc/MessageQueues.h"
#include "../ipc/Semaphores.h"
#include "../ipc/SharedSegments.h"
#include "../mm/AddressSpace.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
IpcCaller caller()
{
    Process& p = Process::current();
    return { p.credentials(), p.pid() };
}

ErrorOr<AddressSpace*> space()
{
    AddressSpace* as = AddressSpace::current();
    if (!as)
        return err(ENOSYS); // a local client: its memory is the host's
    return as;
}
} // namespace

SysResult sys_shmget(int32_t key, size_t size, int flags) { return SharedSegments::get(caller(), key, size, flags); }

SysResult sys_shmat(int id, uint64_t addr, int flags)
{
    AddressSpace& as = *TRY(space());
    return long(TRY(SharedSegments::attach(caller(), as, id, uintptr_t(addr), flags)));
}

SysResult sys_shmdt(uint64_t addr)
{
    AddressSpace& as = *TRY(space());
    TRY(SharedSegments::detach(as, uintptr_t(addr)));
    return 0;
}

SysResult sys_shmctl(int id, int cmd, UserPtr<void> buf)
{
    switch (cmd) {
    case linux::IPC_INFO: {
        linux::shminfo64 info;
        long r = TRY(SharedSegments::info(id, info));
        TRY(copy_out(buf.as<linux::shminfo64>(), info));
        return r;
    }
    case linux::SHM_INFO: {
        linux::shm_info info;
        long r = TRY(SharedSegments::usage(id, info));
        TRY(copy_out(buf.as<linux::shm_info>(), info));
        return r;
    }
    case linux::IPC_STAT:
    case linux::SHM_STAT:
    case linux::SHM_STAT_ANY: {
        linux::shmid64_ds ds;
        long r = TRY(SharedSegments::control(caller(), id, cmd, ds));
        TRY(copy_out(buf.as<linux::shmid64_ds>(), ds));
        return r;
    }
    case linux::IPC_SET: {
        if (id < 0)
            return err(EINVAL);
        linux::shmid64_ds ds = TRY(copy_in(buf.as<const linux::shmid64_ds>()));
        return SharedSegments::control(caller(), id, cmd, ds);
    }
    default: {
        linux::shmid64_ds unused {};
        return SharedSegments::control(caller(), id, cmd, unused);
    }
    }
}

SysResult sys_semget(int32_t key, int nsems, int flags) { return Semaphores::get(caller(), key, nsems, flags); }

SysResult sys_semtimedop(int id, UserPtr<const linux::sembuf> ops, unsigned nsops, UserPtr<const linux::timespec> timeout)
{
    TRY(Semaphores::check_operation_count(id, nsops));
    kstd::Vector<linux::sembuf> copy;
    if (!copy.resize(nsops))
        return err(ENOMEM);
    TRY(ops.buffer().read_into(copy.data(), 0, nsops * sizeof(linux::sembuf)));
    uint64_t deadline = UINT64_MAX;
    if (!timeout.is_null())
        deadline = deadline_after(int64_t(kstd::min<uint64_t>(TRY(timespec_to_ns(timeout)), INT64_MAX)));
    return Semaphores::operate(caller(), id, copy.data(), nsops, deadline);
}

SysResult sys_semop(int id, UserPtr<const linux::sembuf> ops, unsigned nsops)
{
    return sys_semtimedop(id, ops, nsops, UserPtr<const linux::timespec>());
}

SysResult sys_semctl(int id, int semnum, int cmd, uint64_t arg)
{
    // arg is semctl's union semun, passed by value: an int or a pointer.
    UserPtr<void> buf(arg);
    switch (cmd) {
    case linux::IPC_INFO:
    case linux::SEM_INFO: {
        linux::seminfo info;
        long r = TRY(Semaphores::info(id, cmd, info));
        TRY(copy_out(buf.as<linux::seminfo>(), info));
        return r;
    }
    case linux::IPC_STAT:
    case linux::SEM_STAT:
    case linux::SEM_STAT_ANY: {
        linux::semid64_ds ds;
        long r = TRY(Semaphores::control(caller(), id, semnum, cmd, 0, buf.buffer(), ds));
        TRY(copy_out(buf.as<linux::semid64_ds>(), ds));
        return r;
    }
    case linux::IPC_SET: {
        if (id < 0)
            return err(EINVAL);
        linux::semid64_ds ds = TRY(copy_in(buf.as<const linux::semid64_ds>()));
        return Semaphores::control(caller(), id, semnum, cmd, 0, buf.buffer(), ds);
    }
    default: {
        linux::semid64_ds unused {};
        return Semaphores::control(caller(), id, semnum, cmd, int(arg), buf.buffer(), unused);
    }
    }
}

SysResult sys_msgget(int32_t key, int flags) { return MessageQueues::get(caller(), key, flags); }

SysResult sys_msgsnd(int id, UserPtr<const void> msgp, size_t size, int flags)
{
    long type = TRY(copy_in(msgp.as<const long>())); // struct msgbuf: mtype, then the text
    return MessageQueues::send(caller(), id, type, msgp.offset(sizeof(long)).buffer(), int64_t(size), flags);
}

SysResult sys_msgrcv(int id, UserPtr<void> msgp, size_t size, long type, int flags)
{
    return MessageQueues::receive(caller(), id, msgp.buffer(), int64_t(size), type, flags);
}

SysResult sys_msgctl(int id, int cmd, UserPtr<void> buf)
{
    switch (cmd) {
    case linux::IPC_INFO:
    case linux::MSG_INFO: {
        linux::msginfo info;
        long r = TRY(MessageQueues::info(id, cmd, info));
        TRY(copy_out(buf.as<linux::msginfo>(), info));
        return r;
    }
    case linux::IPC_STAT:
    case linux::MSG_STAT:
    case linux::MSG_STAT_ANY: {
        linux::msqid64_ds ds;
        long r = TRY(MessageQueues::control(caller(), id, cmd, ds));
        TRY(copy_out(buf.as<linux::msqid64_ds>(), ds));
        return r;
    }
    case linux::IPC_SET: {
        if (id < 0)
            return err(EINVAL);
        linux::msqid64_ds ds = TRY(copy_in(buf.as<const linux::msqid64_ds>()));
        return MessageQueues::control(caller(), id, cmd, ds);
    }
    default: {
        linux::msqid64_ds unused {};
        return MessageQueues::control(caller(), id, cmd, unused);
    }
    }
}

} // namespace husk
