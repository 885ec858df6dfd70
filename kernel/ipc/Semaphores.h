// System V semaphores (semget, semop, semtimedop, semctl). A set's
// operations apply all at once or not at all; a caller whose operations
// cannot apply yet waits in the set's queue, and every change retries the
// queue in order, applying what now can on the waiters' behalf (Linux's
// update_queue), so a waiter's operations are done by the time it wakes.
// SEM_UNDO adjustments are kept per process and applied when it exits
// (the kernel calls process_exited); a fork's child starts with none,
// execve keeps them. IPC_RMID wakes the waiters with EIDRM.
#pragma once

#include "../vfs/IoBuffer.h"
#include "IpcObject.h"

namespace husk {

class Process;

class Semaphores {
public:
    static kstd::ErrorOr<long> get(const IpcCaller& caller, int32_t key, int count, int flags);
    // semop's first checks, before the operations are copied in: EINVAL
    // (no operation, a negative id), E2BIG (more than SEMOPM).
    static kstd::ErrorOr<void> check_operation_count(int id, size_t count);
    // Performs the operations atomically, waiting until they can be done
    // (unless IPC_NOWAIT: EAGAIN) or the monotonic deadline passes (EAGAIN).
    static kstd::ErrorOr<long> operate(const IpcCaller& caller, int id, const linux::sembuf* ops, size_t count,
                                       uint64_t deadline);
    // semctl: GETVAL, GETPID, GETNCNT, GETZCNT, SETVAL (value), GETALL and
    // SETALL (array: the caller's unsigned shorts), IPC_RMID, IPC_SET
    // (ds in), IPC_STAT, SEM_STAT, SEM_STAT_ANY (ds out).
    static kstd::ErrorOr<long> control(const IpcCaller& caller, int id, int number, int cmd, int value, IoBuffer array,
                                       linux::semid64_ds& ds);
    // IPC_INFO (the limits) and SEM_INFO (what is in use): the highest
    // index in use.
    static kstd::ErrorOr<long> info(int id, int cmd, linux::seminfo& out);
    // The process has exited: its SEM_UNDO adjustments are applied (a
    // Process exit hook, installed at boot).
    static void process_exited(Process& process);
};

} // namespace husk
