// The four memory routines compilers call even in freestanding code
// (platform.h promises them to the kernel). String instructions: short and
// fast on hardware; bulk moves go 8 bytes per iteration because QEMU's TCG
// runs every iteration of a rep prefix through its helper (rep movsb costs
// 8x rep movsq there).
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n)
{
    void* d = dst;
    size_t words = n / 8, bytes = n % 8;
    asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words)::"memory");
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes)::"memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    // Overlapping, destination above: copy backwards.
    d += n - 1;
    s += n - 1;
    asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n)::"memory");
    return dst;
}

void* memset(void* dst, int c, size_t n)
{
    void* d = dst;
    size_t words = n / 8, bytes = n % 8;
    uint64_t pattern = uint64_t(uint8_t(c)) * 0x0101010101010101ull;
    asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
    return dst;
}

// Called if a pure virtual function is ever reached (a bug): crash loudly.
void __cxa_pure_virtual()
{
    __builtin_trap();
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

}
