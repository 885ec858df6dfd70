#include "UserAccess.h"
#include <husk/platform.h>
#include "../core/Reclaim.h"
#include "../kstd/Errno.h"
#include "AddressSpace.h"

namespace husk {

namespace {
// Brings in the pages of [start, start+len) that regions allow, stopping at
// the first that none does; true if any page may have changed.
bool fault_in(const void* start, size_t len, unsigned needed)
{
    AddressSpace* as = AddressSpace::current();
    if (!as || len == 0)
        return false;
    auto at = reinterpret_cast<uintptr_t>(start) & ~uintptr_t(AddressSpace::kPage - 1);
    auto end = reinterpret_cast<uintptr_t>(start) + len;
    bool any = false;
    for (; at < end; at += AddressSpace::kPage) {
        // No page to be had (not a refusal: memory is short): the caches'
        // memory (the copy may wait, as a program's fault does), then once more.
        if (!as->populate(at, 1, needed)
            && !(Reclaim::below_low_watermark() && Reclaim::reclaim(1) && as->populate(at, 1, needed)))
            break;
        any = true;
    }
    return any;
}
} // namespace

int user_copy_in(void* dst, const void* user_src, size_t len)
{
    int r = husk_plat_copy_from_user(dst, user_src, len);
    if (r == -kstd::EFAULT && fault_in(user_src, len, HUSK_PROT_READ))
        r = husk_plat_copy_from_user(dst, user_src, len);
    return r;
}

int user_copy_in_nofault(void* dst, const void* user_src, size_t len)
{
    return husk_plat_copy_from_user(dst, user_src, len);
}

int user_cmpxchg_nofault(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t& found)
{
    return husk_plat_cmpxchg_user(user_word, expected, desired, &found);
}

int user_fault_in_writable(uint32_t* user_word)
{
    return fault_in(user_word, sizeof *user_word, HUSK_PROT_WRITE) ? 0 : -kstd::EFAULT;
}

int user_cmpxchg(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t& found)
{
    int r = user_cmpxchg_nofault(user_word, expected, desired, found);
    if (r == -kstd::EFAULT && user_fault_in_writable(user_word) == 0)
        r = user_cmpxchg_nofault(user_word, expected, desired, found);
    return r;
}

int user_copy_out(void* user_dst, const void* src, size_t len)
{
    int r = husk_plat_copy_to_user(user_dst, src, len);
    if (r == -kstd::EFAULT && fault_in(user_dst, len, HUSK_PROT_WRITE))
        r = husk_plat_copy_to_user(user_dst, src, len);
    return r;
}

long user_strncpy(char* dst, const char* user_src, size_t max)
{
    long r = husk_plat_strncpy_from_user(dst, user_src, max);
    if (r == -kstd::EFAULT && fault_in(user_src, max, HUSK_PROT_READ))
        r = husk_plat_strncpy_from_user(dst, user_src, max);
    return r;
}

} // namespace husk
