#include "UserMemory.h"
#include "Cpu.h"
#include "Paging.h"

namespace husk::x86 {

bool UserMemory::alias(uintptr_t user_va, const void* kernel_va)
{
    return Paging::map_user_page(user_va, virt_to_phys(kernel_va), true, false);
}

bool UserMemory::unmap(uintptr_t user_va) { return user_va < kUserTop && Paging::unmap_page(user_va); }

} // namespace husk::x86
