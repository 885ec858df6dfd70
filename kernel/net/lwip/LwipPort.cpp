// What lwIP needs from its host (NO_SYS=1): the time, memory, randomness,
// diagnostics and the handful of C string routines its sources use
// (libc/ maps them to these husk_lwip_* names).
#include <husk/platform.h>
#include "../../core/Log.h"
#include "../../core/Panic.h"
#include "../../kstd/Memory.h"
#include "../../kstd/StringView.h"

extern "C" {

// lwIP's clock: milliseconds, wrapping.
uint32_t sys_now(void) { return uint32_t(husk_plat_clock_monotonic() / 1000000); }

void* husk_lwip_malloc(unsigned long size) { return kstd::kmalloc(size); }
void* husk_lwip_calloc(unsigned long count, unsigned long size)
{
    unsigned long total;
    if (__builtin_mul_overflow(count, size, &total))
        return nullptr;
    void* p = kstd::kmalloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}
void husk_lwip_free(void* p) { kstd::kfree(p); }

// Initial sequence numbers, ports, DHCP transaction ids.
uint32_t husk_lwip_rand(void)
{
    uint32_t v = 0;
    husk_plat_random(&v, sizeof v);
    return v;
}

void husk_lwip_diag(const char* format, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, format);
    husk::Log::write(husk::LogLevel::Debug, format, ap);
    __builtin_va_end(ap);
}

void husk_lwip_assert(const char* message, const char* file, int line)
{
    husk::panic("lwIP: %s at %s:%d", message, file, line);
}

size_t husk_lwip_strlen(const char* s) { return kstd::StringView::cstrlen(s); }

int husk_lwip_strncmp(const char* a, const char* b, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
    return 0;
}

int husk_lwip_atoi(const char* s)
{
    int sign = 1, v = 0;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

} // extern "C"
