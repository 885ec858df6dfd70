// Which futex a word is, deciding who wakes whom (Linux's futex keys): a
// private futex (FUTEX_PRIVATE_FLAG, or any word in private memory) is
// (address space, address); a word in MAP_SHARED memory is (shared
// object, offset), the same in every process that maps it, so a
// process-shared mutex or semaphore wakes across fork. Copy-on-write pages
// are private: after a fork, parent and child have futexes of their own.
#pragma once

#include "../kstd/RefPtr.h"
#include "../mm/SharedMemory.h"

namespace husk {

class AddressSpace;

struct FutexKey {
    const void* object { nullptr };
    uint64_t offset { 0 };
    // Holds the shared object while someone waits, so that its address
    // cannot be reused for another object's key meanwhile.
    kstd::RefPtr<SharedMemory> pin;

    // The key of `address` in `space` (nullptr for local clients): shared
    // when the operation is not FUTEX_PRIVATE_FLAG and the memory is shared.
    static FutexKey of(AddressSpace* space, uintptr_t address, bool shared);
    bool operator==(const FutexKey& o) const { return object == o.object && offset == o.offset; }
};

} // namespace husk
