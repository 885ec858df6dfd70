// System V shared memory (shmget, shmat, shmdt, shmctl). A segment is a
// SharedMemory object (kernel/mm) that attachments map: fork copies them
// (the child's attachments count too), exit and execve drop them with the
// address space, and a segment removed with IPC_RMID goes when its last
// attachment does (SHM_DEST until then). shm_nattch counts the regions
// mapping it, as Linux counts VMAs (a partial munmap splitting an
// attachment counts twice).
#pragma once

#include "../mm/SharedMemory.h"
#include "IpcObject.h"

namespace husk {

class AddressSpace;

class SharedSegments {
public:
    static kstd::ErrorOr<long> get(const IpcCaller& caller, int32_t key, uint64_t size, int flags);
    // Maps the segment into space (at addr, or where there is room when 0);
    // returns the address.
    static kstd::ErrorOr<uintptr_t> attach(const IpcCaller& caller, AddressSpace& space, int id, uintptr_t addr,
                                           int flags);
    static kstd::ErrorOr<void> detach(AddressSpace& space, uintptr_t addr);
    // IPC_STAT, SHM_STAT(_ANY) (index: the slot), IPC_SET, IPC_RMID,
    // SHM_LOCK/SHM_UNLOCK: the result, and `ds` filled for the STATs.
    static kstd::ErrorOr<long> control(const IpcCaller& caller, int id, int cmd, linux::shmid64_ds& ds);
    // IPC_INFO (the limits) and SHM_INFO (what is in use): the highest
    // index in use.
    static kstd::ErrorOr<long> info(int id, linux::shminfo64& out);
    static kstd::ErrorOr<long> usage(int id, linux::shm_info& out);
};

} // namespace husk
