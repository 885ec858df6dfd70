// What the boot self-test's parts share: reporting (say, CHECK and the
// failure count), system calls from kernel code, and the clock.
#pragma once

#include <husk/platform.h>
#include <stdarg.h>
#include "kstd/Format.h"

namespace husk::selftest {

namespace nr {
#define HUSK_SYSCALL(number, name, ...) constexpr long name = number;
#define HUSK_NOSYS(number, name, note)
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
} // namespace nr

inline int g_failures;

inline void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline void say(const char* fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = kstd::vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    husk_plat_console_write(line, n < sizeof line ? n : sizeof line - 1);
}

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            ++g_failures;                                                  \
            say("selftest: FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            say(__VA_ARGS__);                                              \
            say("\n");                                                     \
        }                                                                  \
    } while (0)

template<typename... A>
inline long sys(long number, A... a)
{
    uint64_t args[6] = { uint64_t(a)... };
    return husk_kernel_syscall(number, args);
}

inline uint64_t now() { return husk_plat_clock_monotonic(); }
constexpr uint64_t kMs = 1000000;

// selftest=net-pair and selftest=net-slirp (selftest_net.cpp).
int test_net_pair();
int test_net_slirp();
// Copy-on-write fork of an address space (selftest_cow.cpp).
void test_cow_fork();

} // namespace husk::selftest
