// open, read, write, seek, truncate, sync: the file I/O family.
#include "../kstd/Vector.h"
#include "../vfs/FileCache.h"
#include "Handlers.h"
#include "Helpers.h"

namespace husk {

using namespace kstd::errno_values;
using namespace linux;

namespace {

constexpr size_t kMaxRwCount = 0x7ffff000; // Linux's MAX_RW_COUNT

// A descriptor usable for I/O: O_PATH descriptors are not (EBADF).
ErrorOr<RefPtr<File>> io_file(int fd)
{
    RefPtr<File> f = TRY(file_of(fd));
    if (f->is_path_only())
        return err(EBADF);
    return f;
}

SysResult do_open(int dirfd, UChar upath, int flags, uint32_t mode)
{
    Process& p = Process::current();
    flags &= VALID_OPEN_FLAGS;
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return err(EOPNOTSUPP);
    if (flags & O_PATH)
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    // Linux takes the descriptor first: a full table fails before creating.
    if (!p.fds().has_free_descriptor())
        return err(EMFILE);
    PathAt at;
    TRY(copy_path_at(dirfd, upath, at));
    RefPtr<File> file = TRY(Vfs::open(p.path_context(), at.base, at.view(), flags, mode));
    return TRY(p.fds().allocate(kstd::move(file), flags & O_CLOEXEC));
}

// Reads or writes an iovec array, stopping at the first short transfer.
template<bool Write>
SysResult do_vector_io(int fd, UserPtr<const linux::iovec> uiov, int iovcnt, int64_t offset, bool positioned)
{
    if (positioned && offset < 0)
        return err(EINVAL);
    RefPtr<File> f = TRY(io_file(fd));
    if (Write ? !f->is_writable() : !f->is_readable())
        return err(EBADF);
    if (iovcnt < 0 || unsigned(iovcnt) > IOV_MAX)
        return err(EINVAL);
    kstd::Vector<linux::iovec> iov;
    TRY(copy_in_iovecs(uiov, size_t(iovcnt), iov));
    size_t done = 0;
    for (auto& v : iov) {
        if (v.iov_len == 0)
            continue;
        size_t want = size_t(kstd::min<uint64_t>(v.iov_len, kMaxRwCount - done));
        IoBuffer buf = IoBuffer::user(uintptr_t(v.iov_base));
        ErrorOr<size_t> r = positioned
            ? (Write ? f->pwrite(buf, want, uint64_t(offset) + done) : f->pread(buf, want, uint64_t(offset) + done))
            : (Write ? f->write(buf, want) : f->read(buf, want));
        if (r.is_error()) {
            if (done)
                break;
            return Write ? with_sigpipe(*f, kstd::move(r)) : SysResult(r.error());
        }
        done += r.value();
        if (r.value() < want || done >= kMaxRwCount)
            break;
    }
    return long(done);
}

ErrorOr<void> sync_file(int fd)
{
    RefPtr<File> f = TRY(io_file(fd));
    if (!f->vnode())
        return err(EINVAL);
    TRY(FileCache::write_back(*f->vnode())); // what mappings wrote
    return f->vnode()->sync();
}

} // namespace

SysResult sys_open(UChar path, int flags, uint32_t mode) { return do_open(AT_FDCWD, path, flags, mode); }
SysResult sys_openat(int dirfd, UChar path, int flags, uint32_t mode) { return do_open(dirfd, path, flags, mode); }
SysResult sys_creat(UChar path, uint32_t mode) { return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

SysResult sys_close(int fd)
{
    release_posix_locks(Process::current().fds(), fd);
    TRY(Process::current().fds().close(fd));
    return 0;
}

SysResult sys_read(int fd, UserPtr<void> buf, size_t count)
{
    RefPtr<File> f = TRY(io_file(fd));
    if (!f->is_readable())
        return err(EBADF);
    return long(TRY(f->read(buf.buffer(), kstd::min(count, kMaxRwCount))));
}

SysResult sys_write(int fd, UserPtr<const void> buf, size_t count)
{
    RefPtr<File> f = TRY(io_file(fd));
    if (!f->is_writable())
        return err(EBADF);
    return with_sigpipe(*f, f->write(buf.buffer(), kstd::min(count, kMaxRwCount)));
}

SysResult sys_pread64(int fd, UserPtr<void> buf, size_t count, int64_t offset)
{
    if (offset < 0)
        return err(EINVAL);
    RefPtr<File> f = TRY(io_file(fd));
    if (!f->is_readable())
        return err(EBADF);
    return long(TRY(f->pread(buf.buffer(), kstd::min(count, kMaxRwCount), uint64_t(offset))));
}

SysResult sys_pwrite64(int fd, UserPtr<const void> buf, size_t count, int64_t offset)
{
    if (offset < 0)
        return err(EINVAL);
    RefPtr<File> f = TRY(io_file(fd));
    if (!f->is_writable())
        return err(EBADF);
    return long(TRY(f->pwrite(buf.buffer(), kstd::min(count, kMaxRwCount), uint64_t(offset))));
}

SysResult sys_readv(int fd, UserPtr<const linux::iovec> iov, int n) { return do_vector_io<false>(fd, iov, n, 0, false); }
SysResult sys_writev(int fd, UserPtr<const linux::iovec> iov, int n) { return do_vector_io<true>(fd, iov, n, 0, false); }
SysResult sys_preadv(int fd, UserPtr<const linux::iovec> iov, int n, int64_t off) { return do_vector_io<false>(fd, iov, n, off, true); }
SysResult sys_pwritev(int fd, UserPtr<const linux::iovec> iov, int n, int64_t off) { return do_vector_io<true>(fd, iov, n, off, true); }

// preadv2/pwritev2: offset -1 is the file's own; RWF_HIPRI and RWF_NOWAIT
// are hints here (nothing polls, cached data never waits), RWF_DSYNC and
// RWF_SYNC sync the file after the write, RWF_APPEND writes at the end.
namespace {
constexpr int RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;

template<bool Write>
SysResult do_vector_io2(int fd, UserPtr<const linux::iovec> iov, int n, int64_t off, int flags)
{
    if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
        return err(EOPNOTSUPP);
    bool positioned = off != -1;
    if (Write && (flags & RWF_APPEND)) {
        RefPtr<File> f = TRY(io_file(fd));
        if (!f->is_writable())
            return err(EBADF);
        if (!positioned)
            TRY(f->seek(0, SEEK_END));
        else if (f->vnode() && f->vnode()->is_regular())
            off = int64_t(f->vnode()->size());
    }
    long done = TRY(do_vector_io<Write>(fd, iov, n, off, positioned));
    if (Write && (flags & (RWF_DSYNC | RWF_SYNC)) && done > 0) {
        RefPtr<File> f = TRY(io_file(fd));
        if (f->vnode())
            TRY(f->vnode()->sync());
    }
    return done;
}
} // namespace

SysResult sys_preadv2(int fd, UserPtr<const linux::iovec> iov, int n, int64_t off, int64_t, int flags)
{
    return do_vector_io2<false>(fd, iov, n, off, flags);
}
SysResult sys_pwritev2(int fd, UserPtr<const linux::iovec> iov, int n, int64_t off, int64_t, int flags)
{
    return do_vector_io2<true>(fd, iov, n, off, flags);
}

SysResult sys_lseek(int fd, int64_t offset, int whence)
{
    RefPtr<File> f = TRY(io_file(fd));
    return long(TRY(f->seek(offset, whence)));
}

SysResult sys_truncate(UChar path, int64_t length)
{
    if (length < 0)
        return err(EINVAL);
    Resolved r = TRY(resolve_at(AT_FDCWD, path, FollowLast));
    TRY(Vfs::truncate(path_context(), *r.vnode, uint64_t(length)));
    return 0;
}

SysResult sys_ftruncate(int fd, int64_t length)
{
    if (length < 0)
        return err(EINVAL);
    RefPtr<File> f = TRY(io_file(fd));
    TRY(Vfs::truncate(*f, uint64_t(length)));
    return 0;
}

SysResult sys_fsync(int fd)
{
    TRY(sync_file(fd));
    return 0;
}

SysResult sys_fdatasync(int fd)
{
    TRY(sync_file(fd));
    return 0;
}

SysResult sys_sync()
{
    (void)Vfs::sync_all(); // sync(2) cannot fail
    return 0;
}

SysResult sys_syncfs(int fd)
{
    RefPtr<File> f = TRY(io_file(fd));
    if (f->vnode()) {
        (void)FileCache::write_back_all(); // mapped files' pages (of every file system: simpler, rare)
        TRY(f->vnode()->fs().sync());
    }
    return 0;
}

SysResult sys_sendfile(int out_fd, int in_fd, UserPtr<int64_t> offset, size_t count)
{
    RefPtr<File> in = TRY(io_file(in_fd));
    RefPtr<File> out = TRY(io_file(out_fd));
    if (!in->is_readable() || !out->is_writable())
        return err(EBADF);
    if (out->status_flags() & O_APPEND)
        return err(EINVAL);
    int64_t position = File::kOwnOffset;
    if (!offset.is_null()) {
        position = TRY(copy_in(offset));
        if (position < 0)
            return err(EINVAL);
    }
    auto sent = out->send_from(*in, position, kstd::min(count, kMaxRwCount));
    if (sent.is_error())
        return with_sigpipe(*out, kstd::move(sent));
    if (!offset.is_null())
        TRY(copy_out(offset, int64_t(position + int64_t(sent.value()))));
    return long(sent.value());
}

} // namespace husk
