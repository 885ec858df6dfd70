#include "File.h"
#include "AsyncFiles.h"
#include "FlockLocks.h"
#include "FileSystem.h"

namespace husk {

using namespace kstd::errno_values;

File::~File()
{
    while (FileWatch* w = m_watches.take_first())
        w->file_gone();
    FlockLocks::release_all(this);
    if (m_flags & linux::O_ASYNC)
        AsyncFiles::forget(*this);
}

void File::set_opened_at(kstd::RefPtr<Vnode> directory, kstd::StringView name)
{
    auto copy = kstd::String::from(name);
    if (copy.is_error())
        return;
    m_opened_in = kstd::move(directory);
    m_opened_name = copy.release_value();
}

void File::set_status_flags(int flags)
{
    // O_ASYNC is Linux's only through a file's fasync operation (SIGIO),
    // which Husk does not deliver: it stays clear, as on a regular file.
    constexpr int changeable = linux::O_APPEND | linux::O_NONBLOCK | linux::O_DIRECT | linux::O_NOATIME;
    m_flags = (m_flags & ~changeable) | (flags & changeable);
}

bool File::is_readable() const
{
    int mode = m_flags & linux::O_ACCMODE;
    return !is_path_only() && (mode == linux::O_RDONLY || mode == linux::O_RDWR);
}

bool File::is_writable() const
{
    int mode = m_flags & linux::O_ACCMODE;
    return !is_path_only() && (mode == linux::O_WRONLY || mode == linux::O_RDWR);
}

ErrorOr<size_t> File::read(IoBuffer, size_t) { return err(EINVAL); }
ErrorOr<size_t> File::write(IoBuffer, size_t) { return err(EINVAL); }
ErrorOr<size_t> File::pread(IoBuffer, size_t, uint64_t) { return err(ESPIPE); }
ErrorOr<size_t> File::pwrite(IoBuffer, size_t, uint64_t) { return err(ESPIPE); }
ErrorOr<uint64_t> File::seek(int64_t, int) { return err(ESPIPE); }
ErrorOr<long> File::ioctl(unsigned long, IoBuffer) { return err(ENOTTY); }
ErrorOr<size_t> File::getdents(IoBuffer, size_t, bool) { return err(ENOTDIR); }
short File::poll_events() { return linux::POLLIN | linux::POLLOUT | linux::POLLRDNORM | linux::POLLWRNORM; }

ErrorOr<void> File::stat(linux::stat& out)
{
    out = {};
    return {};
}

void fill_stat(Vnode& v, linux::stat& st)
{
    st = {};
    st.st_dev = v.fs().device_id();
    st.st_ino = v.ino();
    st.st_nlink = v.nlink();
    st.st_mode = v.mode();
    st.st_uid = v.uid();
    st.st_gid = v.gid();
    st.st_rdev = v.rdev();
    st.st_size = int64_t(v.size());
    st.st_blksize = 4096;
    st.st_blocks = int64_t(v.blocks());
    st.st_atim = { v.atime().sec, v.atime().nsec };
    st.st_mtim = { v.mtime().sec, v.mtime().nsec };
    st.st_ctim = { v.ctime().sec, v.ctime().nsec };
}

} // namespace husk
