// copy_file_range, fadvise64, readahead, sync_file_range, fallocate: calls
// about a range of a file's data (the rules: vfs/FileCopy, vfs/FileAdvice).
#include "../vfs/FileAdvice.h"
#include "../vfs/FileCopy.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {
constexpr size_t kMaxRwCount = 0x7ffff000; // Linux's MAX_RW_COUNT

ErrorOr<RefPtr<File>> data_file(int fd)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    return f;
}

} // namespace

SysResult sys_copy_file_range(int fd_in, UserPtr<int64_t> off_in, int fd_out, UserPtr<int64_t> off_out, size_t len,
                              unsigned flags)
{
    RefPtr<File> in = TRY(data_file(fd_in));
    RefPtr<File> out = TRY(data_file(fd_out));
    int64_t pos_in = off_in.is_null() ? 0 : TRY(copy_in(off_in));
    int64_t pos_out = off_out.is_null() ? 0 : TRY(copy_in(off_out));
    size_t done = TRY(copy_file_range(*in, off_in.is_null() ? nullptr : &pos_in, *out,
                                      off_out.is_null() ? nullptr : &pos_out, kstd::min(len, kMaxRwCount), flags));
    if (!off_in.is_null())
        TRY(copy_out(off_in, pos_in));
    if (!off_out.is_null())
        TRY(copy_out(off_out, pos_out));
    return long(done);
}

SysResult sys_fadvise64(int fd, int64_t offset, int64_t len, int advice)
{
    (void)offset;
    TRY(advise(*TRY(data_file(fd)), len, advice));
    return 0;
}

SysResult sys_readahead(int fd, int64_t offset, size_t count)
{
    (void)offset;
    (void)count;
    TRY(check_readahead(*TRY(data_file(fd))));
    return 0;
}

SysResult sys_sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned flags)
{
    if (flags & ~7u)
        return err(EINVAL);
    if (offset < 0 || nbytes < 0 || uint64_t(offset) + uint64_t(nbytes) > uint64_t(INT64_MAX))
        return err(EINVAL);
    TRY(sync_range(*TRY(data_file(fd)), offset, nbytes, flags));
    return 0;
}

SysResult sys_fallocate(int fd, int mode, int64_t offset, int64_t len)
{
    TRY(allocate(*TRY(data_file(fd)), mode, offset, len));
    return 0;
}

} // namespace husk
