// pipe, pipe2.
#include "../vfs/Pipe.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

SysResult sys_pipe2(UserPtr<int> ufds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return err(EINVAL);
    if (flags & O_DIRECT)
        return err(EINVAL); // packet mode is not supported (documented)
    RefPtr<Pipe> pipe = TRY(Pipe::create());
    int status = flags & O_NONBLOCK;
    auto reader = kstd::adopt_new<PipeFile>(pipe, true, O_RDONLY | status);
    auto writer = kstd::adopt_new<PipeFile>(pipe, false, O_WRONLY | status);
    if (!reader || !writer)
        return err(ENOMEM);
    auto& table = Process::current().fds();
    bool cloexec = flags & O_CLOEXEC;
    int fds[2];
    fds[0] = TRY(table.allocate(RefPtr<File>(reader), cloexec));
    auto second = table.allocate(RefPtr<File>(writer), cloexec);
    if (second.is_error()) {
        (void)table.close(fds[0]);
        return second.error();
    }
    fds[1] = second.value();
    if (ufds.buffer().write_from(0, fds, sizeof fds).is_error()) {
        (void)table.close(fds[0]);
        (void)table.close(fds[1]);
        return err(EFAULT);
    }
    return 0;
}

SysResult sys_pipe(UserPtr<int> fds) { return sys_pipe2(fds, 0); }

} // namespace husk
