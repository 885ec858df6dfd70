// The register frame of x86_64_swap.S, shared by the hosted and bare-metal
// platforms: how a new context's stack must look for its first switch.
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" void husk_x86_64_swap(uint64_t* save_sp, uint64_t load_sp);
extern "C" void husk_x86_64_swap_gpr(uint64_t* save_sp, uint64_t load_sp);
extern "C" void husk_x86_64_trampoline();
// Each platform defines this: runs first on every new context.
extern "C" void husk_context_started(void* arg);

namespace husk {

// Returns the stack pointer a new context starts from: the first switch to
// it pops this frame and "returns" into the trampoline, which calls
// entry(arg).
inline uint64_t x86_64_initial_frame(void* stack, size_t stack_size, void (*entry)(void*), void* arg)
{
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + stack_size) & ~uintptr_t(15);
    auto* slot = reinterpret_cast<uint64_t*>(top);
    // Popped lowest address first: control words, r15, r14, r13, r12, rbx,
    // rbp, return address.
    *--slot = reinterpret_cast<uint64_t>(&husk_x86_64_trampoline);
    *--slot = 0;                                 // rbp: ends backtraces
    *--slot = 0;                                 // rbx
    *--slot = reinterpret_cast<uint64_t>(entry); // r12
    *--slot = reinterpret_cast<uint64_t>(arg);   // r13
    *--slot = 0;                                 // r14
    *--slot = 0;                                 // r15
    *--slot = 0x1f80 | (uint64_t(0x037f) << 32); // MXCSR default, x87 control word
    return reinterpret_cast<uint64_t>(slot);
}

} // namespace husk
