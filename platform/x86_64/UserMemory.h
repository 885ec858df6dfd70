// Application (ring-3, lower-half) mappings. Today only the boot tests use
// it, to give system calls genuine user buffers; the ELF loader will too.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

class UserMemory {
public:
    // Maps the kernel page at kernel_va (direct map) at user_va as well,
    // user-accessible, writable, not executable. False when out of frames.
    static bool alias(uintptr_t user_va, const void* kernel_va);
    static bool unmap(uintptr_t user_va);
};

} // namespace husk::x86
