// User-memory hypercalls: the application's memory is the lower half of the
// address space. A range reaching into the kernel's half is refused before
// any access; a fault inside the lower half is recovered by the exception
// table (usercopy.S) and becomes -EFAULT.
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "Cpu.h"

extern "C" long husk_x86_copy(void* dst, const void* src, size_t len);
extern "C" long husk_x86_strncpy(char* dst, const char* src, size_t max);
extern "C" long husk_x86_cmpxchg32(uint32_t* word, uint32_t expected, uint32_t desired, uint32_t* found);

namespace {
bool user_range(const void* p, size_t len)
{
    auto a = reinterpret_cast<uintptr_t>(p);
    return a + len >= a && a + len <= husk::x86::kUserTop;
}
} // namespace

extern "C" int husk_plat_copy_from_user(void* dst, const void* user_src, size_t len)
{
    if (!user_range(user_src, len))
        return -kstd::EFAULT;
    return int(husk_x86_copy(dst, user_src, len));
}

extern "C" int husk_plat_copy_to_user(void* user_dst, const void* src, size_t len)
{
    if (!user_range(user_dst, len))
        return -kstd::EFAULT;
    return int(husk_x86_copy(user_dst, src, len));
}

extern "C" long husk_plat_strncpy_from_user(char* dst, const char* user_src, size_t max)
{
    // Clamp the scan to the lower half; running off its end is a fault.
    auto a = reinterpret_cast<uintptr_t>(user_src);
    if (a >= husk::x86::kUserTop)
        return -kstd::EFAULT;
    size_t room = husk::x86::kUserTop - a;
    long n = husk_x86_strncpy(dst, user_src, max < room ? max : room);
    if (n == -kstd::ENAMETOOLONG && max > room)
        return -kstd::EFAULT;
    return n;
}

extern "C" int husk_plat_cmpxchg_user(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t* found)
{
    if (!user_range(user_word, sizeof *user_word) || (reinterpret_cast<uintptr_t>(user_word) & 3))
        return -kstd::EFAULT;
    return int(husk_x86_cmpxchg32(user_word, expected, desired, found));
}
