// Copies to and from a local client's memory. The client shares our
// address space, so a bad pointer would crash the process: the copy runs
// under a SIGSEGV/SIGBUS recovery point (like a kernel's exception table)
// and a fault becomes -EFAULT. Other faults go to the previous handler.
#include <husk/platform.h>
#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include "HostedPlatform.h"

namespace {

thread_local sigjmp_buf* t_recovery;
struct sigaction g_previous_segv, g_previous_bus;

void on_fault(int sig, siginfo_t* info, void* ucontext)
{
    if (t_recovery)
        siglongjmp(*t_recovery, 1);
    // Not ours: restore the previous disposition and let the fault recur.
    const struct sigaction& prev = sig == SIGSEGV ? g_previous_segv : g_previous_bus;
    if (prev.sa_flags & SA_SIGINFO) {
        if (prev.sa_sigaction) {
            prev.sa_sigaction(sig, info, ucontext);
            return;
        }
    }
    sigaction(sig, &prev, nullptr);
}

constexpr uintptr_t kUserTop = uintptr_t(1) << 47; // canonical lower half

bool plausible(const void* p, size_t n)
{
    auto a = reinterpret_cast<uintptr_t>(p);
    return a >= 4096 && a < kUserTop && n <= kUserTop - a;
}

// rep movsb: fast, and invisible to sanitizer interceptors, so a wild
// client pointer faults here (and is recovered) instead of being reported.
inline void raw_copy(void* dst, const void* src, size_t n)
{
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

} // namespace

namespace husk::hosted {

void install_fault_handler()
{
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previous_segv);
    sigaction(SIGBUS, &sa, &g_previous_bus);
}

} // namespace husk::hosted

#define GUARDED(body)                     \
    sigjmp_buf recovery;                  \
    if (sigsetjmp(recovery, 0)) {         \
        t_recovery = nullptr;             \
        return -EFAULT;                   \
    }                                     \
    t_recovery = &recovery;               \
    body;                                 \
    t_recovery = nullptr;

extern "C" int husk_plat_copy_from_user(void* dst, const void* user_src, size_t len)
{
    if (len == 0)
        return 0;
    if (!plausible(user_src, len))
        return -EFAULT;
    GUARDED(raw_copy(dst, user_src, len));
    return 0;
}

extern "C" int husk_plat_copy_to_user(void* user_dst, const void* src, size_t len)
{
    if (len == 0)
        return 0;
    if (!plausible(user_dst, len))
        return -EFAULT;
    GUARDED(raw_copy(user_dst, src, len));
    return 0;
}

extern "C" long husk_plat_strncpy_from_user(char* dst, const char* user_src, size_t max)
{
    if (max == 0)
        return -ENAMETOOLONG;
    if (!plausible(user_src, 1))
        return -EFAULT;
    size_t n = 0;
    GUARDED({
        const volatile char* s = user_src;
        for (; n < max; ++n) {
            char c;
            const volatile char* at = s + n;
            asm volatile("movb (%1), %0" : "=r"(c) : "r"(at) : "memory");
            dst[n] = c;
            if (c == 0)
                break;
        }
    });
    if (n == max) {
        dst[max - 1] = 0;
        return -ENAMETOOLONG;
    }
    return long(n);
}

extern "C" int husk_plat_cmpxchg_user(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t* found)
{
    if (!plausible(user_word, sizeof *user_word) || (reinterpret_cast<uintptr_t>(user_word) & 3))
        return -EFAULT;
    // LOCK CMPXCHG in asm, as raw_copy: a wild word faults here (SIGSEGV
    // also for a read-only page: it always writes), not in a sanitizer.
    uint32_t value = expected;
    GUARDED(asm volatile("lock cmpxchgl %2, %1" : "+a"(value), "+m"(*user_word) : "r"(desired) : "memory"));
    *found = value;
    return 0;
}
