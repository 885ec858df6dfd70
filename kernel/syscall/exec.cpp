// Running another program: execve(2), execveat(2).
#include "../core/Heap.h"
#include "../core/Scheduler.h"
#include "../exec/Exec.h"
#include "../mm/AddressSpace.h"
#include "../mm/UserAccess.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// Linux's limits: one string at most 32 pages (MAX_ARG_STRLEN), all of
// them with their pointers at most a quarter of the 8 MiB stack (copied in
// here within them; the loader applies Linux's exact rule, execfn included).
constexpr size_t kMaxString = ProgramLoader::kMaxArgString;
constexpr size_t kMaxTotal = ProgramLoader::kMaxArgTotal;

// argv and envp copied in: the strings, NUL-terminated, one after another
// in kernel memory (freed with it).
class Arguments {
public:
    ~Arguments() { Heap::free(m_bytes); }

    // Copies the NULL-terminated array of string pointers at `user`
    // (NULL: none, as Linux accepts) into list. EFAULT, E2BIG, ENOMEM.
    ErrorOr<void> copy_in(uint64_t user, kstd::Vector<kstd::StringView>& list)
    {
        for (size_t i = 0; user; ++i) {
            uint64_t pointer = TRY(husk::copy_in(UserPtr<const uint64_t>(user + i * sizeof(uint64_t))));
            if (!pointer)
                return {};
            if (!m_bytes && !(m_bytes = static_cast<char*>(Heap::allocate(kMaxTotal))))
                return err(ENOMEM);
            size_t room = kMaxTotal - m_used;
            if (room < sizeof(uint64_t) + 1)
                return err(E2BIG);
            room -= sizeof(uint64_t); // the pointer counts against the limit too
            long n = user_strncpy(m_bytes + m_used, reinterpret_cast<const char*>(pointer),
                                  room < kMaxString ? room : kMaxString);
            if (n == -EFAULT)
                return err(EFAULT);
            if (n < 0)
                return err(E2BIG);
            if (!list.append(kstd::StringView(m_bytes + m_used, size_t(n))))
                return err(ENOMEM);
            m_used += size_t(n) + 1 + sizeof(uint64_t);
        }
        return {};
    }

private:
    char* m_bytes { nullptr };
    size_t m_used { 0 };
};

SysResult execute(int dirfd, UChar user_path, uint64_t argv, uint64_t envp, int flags)
{
    constexpr int kEmptyPath = 0x1000, kSymlinkNofollow = 0x100;
    Thread* self = Scheduler::current();
    if (!self->user_regs())
        return err(ENOSYS); // a local client's program is the host's
    if (flags & ~(kEmptyPath | kSymlinkNofollow))
        return err(EINVAL);
    PathBuffer path;
    TRY(copy_path(user_path, path));
    kstd::RefPtr<Vnode> base;
    if (path.view().is_empty()) {
        if (!(flags & kEmptyPath))
            return err(ENOENT);
        return err(ENOSYS); // fexecve: an open file's own vnode, to come with the dynamic loader
    }
    base = TRY(base_dir(dirfd, path.view()));
    Arguments strings;
    Exec::Request request { base, path.view(), !(flags & kSymlinkNofollow), {} };
    TRY(strings.copy_in(argv, request.args.argv));
    TRY(strings.copy_in(envp, request.args.envp));
    Process& process = Process::current();
    Exec::Loaded loaded = TRY(Exec::load(process.path_context(), kstd::move(request)));
    Exec::replace_image(process, *self, *self->user_regs(), kstd::move(loaded), path.view());
    return 0; // what the new program finds in its first register
}
} // namespace

SysResult sys_execve(UChar path, uint64_t argv, uint64_t envp)
{
    return execute(linux::AT_FDCWD, path, argv, envp, 0);
}

SysResult sys_execveat(int dirfd, UChar path, uint64_t argv, uint64_t envp, int flags)
{
    return execute(dirfd, path, argv, envp, flags);
}

} // namespace husk
