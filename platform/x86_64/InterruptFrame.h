// The register frame interrupts.S builds on the stack, lowest address first.
#pragma once

#include <stdint.h>

namespace husk::x86 {

struct InterruptFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; // pushed by the CPU
    bool from_user() const { return (cs & 3) == 3; }
};
static_assert(sizeof(InterruptFrame) == 22 * 8);

} // namespace husk::x86
