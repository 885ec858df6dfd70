// Kernel heap entry points and typed helpers. The allocator itself lives in
// kernel/core (Heap); kstd only declares it so containers can allocate.
#pragma once

#include "Types.h"

namespace kstd {

void* kmalloc(size_t size);          // nullptr when out of memory
void* kcalloc(size_t size);          // zeroed
void kfree(void* ptr);               // nullptr allowed

// Construct a T on the kernel heap; nullptr when out of memory.
template<typename T, typename... Args>
T* make(Args&&... args)
{
    void* mem = kmalloc(sizeof(T));
    if (!mem)
        return nullptr;
    return new (placement, mem) T(forward<Args>(args)...);
}

template<typename T>
void destroy(T* object)
{
    if (!object)
        return;
    object->~T();
    kfree(const_cast<void*>(static_cast<const void*>(object)));
}

// Base for polymorphic kernel objects: new/delete go to the kernel heap and
// a failed allocation yields nullptr instead of throwing.
struct HeapObject {
    static void* operator new(size_t size) noexcept { return kmalloc(size); }
    static void* operator new(size_t, PlacementTag, void* where) noexcept { return where; }
    static void operator delete(void* ptr) noexcept { kfree(ptr); }
};

} // namespace kstd
