// Thin wrappers over x86-64 instructions the platform needs, and the
// address-space layout every file of platform/x86_64 agrees on.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

// Virtual layout: the image in the top 2 GiB (-mcmodel=kernel), all of
// physical memory (and MMIO, mapped on demand) in a direct map at the start
// of the upper half; the lower half belongs to the application.
inline constexpr uintptr_t kKernelVma = 0xffffffff80000000ull;
inline constexpr uintptr_t kDirectMap = 0xffff800000000000ull;
inline constexpr uintptr_t kUserTop = 0x0000800000000000ull;
inline constexpr size_t kPage = 4096;

inline void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(kDirectMap + phys); }
inline uint64_t virt_to_phys(const void* virt)
{
    auto v = reinterpret_cast<uintptr_t>(virt);
    return v >= kKernelVma ? v - kKernelVma : v - kDirectMap;
}

inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32)));
}

inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t(hi) << 32) | lo;
}

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t sub = 0)
{
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(sub));
    return r;
}

inline uint64_t read_cr2()
{
    uint64_t v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr3()
{
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline void invlpg(const void* va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }

inline uint64_t read_flags()
{
    uint64_t f;
    asm volatile("pushfq; popq %0" : "=r"(f)::"memory");
    return f;
}
inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
// Enables interrupts and halts atomically (sti's one-instruction shadow), so
// an interrupt arriving between the check and the halt is not lost.
inline void sti_hlt() { asm volatile("sti; hlt" ::: "memory"); }
inline constexpr uint64_t kFlagIf = 1u << 9;

[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace husk::x86
