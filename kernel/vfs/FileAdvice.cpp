#include "FileAdvice.h"
#include "FileSystem.h"

namespace husk {

using namespace kstd::errno_values;

namespace {
// A pipe or FIFO: no vnode and no socket or anonymous inode behind it, or a FIFO node.
bool is_pipe(File& f)
{
    if (Vnode* v = f.vnode())
        return (v->mode() & linux::S_IFMT) == linux::S_IFIFO;
    return !f.is_socket() && f.anon_inode_name().is_empty();
}
} // namespace

ErrorOr<void> advise(File& f, int64_t length, int advice)
{
    if (is_pipe(f))
        return err(ESPIPE);
    if (length < 0 || advice < 0 || advice > 5)
        return err(EINVAL);
    return {};
}

ErrorOr<void> check_readahead(File& f)
{
    if (!f.is_readable())
        return err(EBADF);
    if (!f.vnode() || !f.vnode()->is_regular())
        return err(EINVAL);
    return {};
}

ErrorOr<void> sync_range(File& f, int64_t offset, int64_t count, unsigned flags)
{
    constexpr unsigned kValid = 1 | 2 | 4; // WAIT_BEFORE, WRITE, WAIT_AFTER
    Vnode* v = f.vnode();
    if (!v || (!v->is_regular() && !v->is_directory() && !v->is_symlink()
               && (v->mode() & linux::S_IFMT) != linux::S_IFBLK))
        return err(ESPIPE);
    (void)offset;
    (void)count;
    if (flags & kValid)
        return v->sync();
    return {};
}

ErrorOr<void> allocate(File& f, int mode, int64_t offset, int64_t length)
{
    constexpr int kKeepSize = 1;
    constexpr int kSupported = 0x7f; // every FALLOC_FL_* Linux knows
    if (offset < 0 || length <= 0)
        return err(EINVAL);
    if (mode & ~kSupported)
        return err(EOPNOTSUPP);
    if (!f.is_writable())
        return err(EBADF);
    Vnode* v = f.vnode();
    if (is_pipe(f))
        return err(ESPIPE);
    if (v && v->is_directory())
        return err(EISDIR);
    if (!v || !v->is_regular())
        return err(ENODEV);
    if (uint64_t(offset) + uint64_t(length) > uint64_t(INT64_MAX))
        return err(EFBIG);
    if (mode & ~kKeepSize)
        return err(EOPNOTSUPP);
    if (v->fs().is_read_only())
        return err(EROFS);
    uint64_t end = uint64_t(offset) + uint64_t(length);
    if ((mode & kKeepSize) || end <= v->size())
        return {};
    AttrChange change;
    change.mask = AttrChange::Size;
    change.size = end;
    return v->setattr(change);
}

} // namespace husk
