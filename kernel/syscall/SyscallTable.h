// The Linux x86_64 syscall table: number -> name, support status, note and
// handler. Hosted clients (husk_sys_*) and the in-guest SYSCALL instruction
// both enter through dispatch(); there is no second implementation.
#pragma once

#include "../kstd/Types.h"

namespace husk {

enum class SyscallStatus : uint8_t { None, Partial, Full };

struct SyscallEntry {
    const char* name;        // null for numbers Linux does not use
    SyscallStatus status;
    const char* note;
    long (*handler)(const uint64_t* args);
};

class SyscallTable {
public:
    static constexpr size_t kSize = 462;
    static const SyscallEntry* entry(long nr);
    static long dispatch(long nr, const uint64_t args[6]);
};

} // namespace husk
