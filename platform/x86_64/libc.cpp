// The four memory routines compilers call even in freestanding code
// (platform.h promises them to the kernel). Bulk copies move 64 bytes per
// iteration with plain loads and stores: QEMU's TCG runs every iteration of
// a rep prefix as a pass through its translation block (rep movsb costs 8x
// rep movsq there, and rep movsq several times this loop), while a loop
// compiles to inline memory accesses. On hardware the loop is as fast.
#include <stddef.h>
#include <stdint.h>

namespace {
// A 64-bit word that may alias anything and sit at any address.
typedef uint64_t __attribute__((may_alias, aligned(1))) Word;
} // namespace

extern "C" {

void* memcpy(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    for (; n >= 64; n -= 64, d += 64, s += 64) {
        Word a = *reinterpret_cast<const Word*>(s), b = *reinterpret_cast<const Word*>(s + 8);
        Word c = *reinterpret_cast<const Word*>(s + 16), e = *reinterpret_cast<const Word*>(s + 24);
        Word f = *reinterpret_cast<const Word*>(s + 32), g = *reinterpret_cast<const Word*>(s + 40);
        Word h = *reinterpret_cast<const Word*>(s + 48), i = *reinterpret_cast<const Word*>(s + 56);
        *reinterpret_cast<Word*>(d) = a;
        *reinterpret_cast<Word*>(d + 8) = b;
        *reinterpret_cast<Word*>(d + 16) = c;
        *reinterpret_cast<Word*>(d + 24) = e;
        *reinterpret_cast<Word*>(d + 32) = f;
        *reinterpret_cast<Word*>(d + 40) = g;
        *reinterpret_cast<Word*>(d + 48) = h;
        *reinterpret_cast<Word*>(d + 56) = i;
        asm volatile("" ::: "memory"); // not recognised as a memcpy call
    }
    for (; n >= 8; n -= 8, d += 8, s += 8) {
        *reinterpret_cast<Word*>(d) = *reinterpret_cast<const Word*>(s);
        asm volatile("" ::: "memory");
    }
    asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n)::"memory");
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

// As memcpy: 64 bytes per iteration (rep stosq was one TCG pass per 8 bytes;
// zeroing pages is most of what a boot stores).
void* memset(void* dst, int c, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    Word pattern = uint64_t(uint8_t(c)) * 0x0101010101010101ull;
    for (; n >= 64; n -= 64, d += 64) {
        *reinterpret_cast<Word*>(d) = pattern;
        *reinterpret_cast<Word*>(d + 8) = pattern;
        *reinterpret_cast<Word*>(d + 16) = pattern;
        *reinterpret_cast<Word*>(d + 24) = pattern;
        *reinterpret_cast<Word*>(d + 32) = pattern;
        *reinterpret_cast<Word*>(d + 40) = pattern;
        *reinterpret_cast<Word*>(d + 48) = pattern;
        *reinterpret_cast<Word*>(d + 56) = pattern;
        asm volatile("" ::: "memory"); // not recognised as a memset call
    }
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(pattern) : "memory");
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
    // Equal words skipped 8 bytes at a time; the first difference is then
    // found bytewise.
    for (; n >= 8 && *reinterpret_cast<const Word*>(x) == *reinterpret_cast<const Word*>(y); n -= 8, x += 8, y += 8)
        ;
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

}
