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
    const char* note; // why it is unsupported (the notes of supported calls are in syscalls.def, not the kernel)
    long (*handler)(const uint64_t* args);
    bool unlocked; // HUSK_UNLOCKED in syscalls.def: the handler takes the big lock itself
};

namespace detail {
constexpr size_t highest_syscall_number()
{
    size_t highest = 0;
#define HUSK_SYSCALL(nr, ...) highest = highest > nr ? highest : nr;
#define HUSK_NOSYS(nr, ...) highest = highest > nr ? highest : nr;
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
    return highest;
}
} // namespace detail

class SyscallTable {
public:
    static constexpr size_t kSize = detail::highest_syscall_number() + 1;
    static const SyscallEntry* entry(long nr);
    static long dispatch(long nr, const uint64_t args[6]);
    // Whether the call runs without the big lock (its handler takes it
    // where it needs it); the caller takes it for all others.
    static bool runs_unlocked(long nr)
    {
        const SyscallEntry* e = entry(nr);
        return e && e->unlocked;
    }
};

} // namespace husk
