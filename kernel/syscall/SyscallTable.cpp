#include "SyscallTable.h"
#include "../core/Log.h"
#include "Handlers.h"

namespace husk {

namespace {

// Converts one raw register value to a handler's parameter type: integers
// truncate like the Linux ABI does, pointers become UserPtr.
template<typename T> struct ArgCast {
    static T from(uint64_t v) { return static_cast<T>(v); }
};
template<typename T> struct ArgCast<UserPtr<T>> {
    static UserPtr<T> from(uint64_t v) { return UserPtr<T>(uintptr_t(v)); }
};

template<typename F> struct Invoker;
template<typename... Args>
struct Invoker<SysResult (*)(Args...)> {
    static constexpr size_t arity = sizeof...(Args);
    template<size_t... Is>
    static long call(SysResult (*f)(Args...), const uint64_t* a, kstd::IndexSequence<Is...>)
    {
        SysResult r = f(ArgCast<Args>::from(a[Is])...);
        return r.is_error() ? -long(r.error().code()) : r.value();
    }
};

template<auto F>
long invoke(const uint64_t* args)
{
    using I = Invoker<decltype(F)>;
    return I::call(F, args, kstd::MakeIndexSequence<I::arity>());
}

// The spellings used in syscalls.def.
constexpr SyscallStatus FULL = SyscallStatus::Full;
constexpr SyscallStatus PARTIAL = SyscallStatus::Partial;

struct Table {
    SyscallEntry entries[SyscallTable::kSize];
};

constexpr Table build_table()
{
    Table t {};
// A supported call's note (what a partial one lacks) is documentation
// (`husk syscalls`): kept out of the kernel, whose image QEMU reads at
// every boot (10 KB of strings).
#define HUSK_SYSCALL(nr, name, status, note, ...) t.entries[nr] = { #name, status, "", &invoke<&sys_##name>, false };
#define HUSK_NOSYS(nr, name, note) t.entries[nr] = { #name, SyscallStatus::None, note, nullptr, false };
#define HUSK_UNLOCKED(nr, name) t.entries[nr].unlocked = true;
#include <husk/syscalls.def>
#undef HUSK_SYSCALL
#undef HUSK_NOSYS
#undef HUSK_UNLOCKED
    return t;
}

constexpr Table g_table = build_table();
bool g_logged_unsupported[SyscallTable::kSize];

} // namespace

const SyscallEntry* SyscallTable::entry(long nr)
{
    if (nr < 0 || size_t(nr) >= kSize || !g_table.entries[nr].name)
        return nullptr;
    return &g_table.entries[nr];
}

long SyscallTable::dispatch(long nr, const uint64_t args[6])
{
    const SyscallEntry* e = entry(nr);
    if (e && e->handler)
        return e->handler(args);
    // Unsupported: one log line per syscall, naming it, then ENOSYS.
    size_t slot = e ? size_t(nr) : 0;
    if (!e || !g_logged_unsupported[slot]) {
        if (e) {
            g_logged_unsupported[slot] = true;
            klog(LogLevel::Warning, "syscall %s (%ld) is not supported%s%s", e->name, nr, e->note[0] ? ": " : "", e->note);
        } else {
            klog(LogLevel::Warning, "syscall %ld does not exist", nr);
        }
    }
    return -kstd::ENOSYS;
}

} // namespace husk
