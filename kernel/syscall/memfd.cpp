// memfd_create: an anonymous file in memory (the rules: vfs/Memfd).
#include "../vfs/Memfd.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;

SysResult sys_memfd_create(UChar name, unsigned flags)
{
    PathBuffer buf;
    auto copied = copy_path(name, buf);
    if (copied.is_error())
        return copied.error().code() == ENAMETOOLONG ? err(EINVAL) : copied.error();
    Process& p = Process::current();
    RefPtr<File> file = TRY(Memfd::create(buf.view(), flags, p.credentials()));
    return TRY(p.fds().allocate(kstd::move(file), flags & Memfd::MFD_CLOEXEC));
}

} // namespace husk
