#include "FutexKey.h"
#include "../mm/AddressSpace.h"

namespace husk {

FutexKey FutexKey::of(AddressSpace* space, uintptr_t address, bool shared)
{
    if (shared && space) {
        AddressSpace::SharedKey backing = space->shared_key(address);
        if (backing.memory) {
            const void* object = backing.memory.ptr();
            return { object, backing.offset, kstd::move(backing.memory) };
        }
    }
    return { space, address, nullptr };
}

} // namespace husk
