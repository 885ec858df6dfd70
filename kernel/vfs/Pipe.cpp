#include "Pipe.h"
#include "../core/Heap.h"
#include "PollHub.h"

namespace husk {

using kstd::err;
using kstd::ErrorOr;
using kstd::RefPtr;
using namespace kstd::errno_values;

ErrorOr<RefPtr<Pipe>> Pipe::create()
{
    auto pipe = kstd::adopt_new<Pipe>();
    if (!pipe)
        return err(ENOMEM);
    pipe->m_ring = static_cast<uint8_t*>(Heap::allocate_pages(kCapacity / kPageSize));
    if (!pipe->m_ring)
        return err(ENOMEM);
    return pipe;
}

Pipe::~Pipe()
{
    if (m_ring)
        Heap::free_pages(m_ring, kCapacity / kPageSize);
}

void Pipe::attach(bool read_end) { ++(read_end ? m_readers : m_writers); }

void Pipe::detach(bool read_end)
{
    --(read_end ? m_readers : m_writers);
    m_read_waiters.wake_all();
    m_write_waiters.wake_all();
    PollHub::notify();
}

ErrorOr<size_t> Pipe::read(IoBuffer buf, size_t n, bool nonblocking)
{
    if (n == 0)
        return 0;
    while (m_used == 0) {
        if (m_writers == 0)
            return 0; // EOF
        if (nonblocking)
            return err(EAGAIN);
        m_read_waiters.wait();
    }
    size_t want = kstd::min(n, m_used);
    size_t done = 0;
    while (done < want) {
        size_t chunk = kstd::min(want - done, kCapacity - m_head);
        if (auto r = buf.write_from(done, m_ring + m_head, chunk); r.is_error()) {
            if (done == 0)
                return r.error();
            break;
        }
        m_head = (m_head + chunk) % kCapacity;
        m_used -= chunk;
        done += chunk;
    }
    m_write_waiters.wake_all();
    PollHub::notify();
    return done;
}

ErrorOr<size_t> Pipe::write(IoBuffer buf, size_t n, bool nonblocking)
{
    if (m_readers == 0)
        return err(EPIPE);
    size_t done = 0;
    while (done < n) {
        if (m_readers == 0)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(EPIPE));
        size_t room = kCapacity - m_used;
        // Writes of at most PIPE_BUF bytes are atomic: all or wait.
        bool atomic = n <= linux::PIPE_BUF;
        if (room == 0 || (atomic && room < n)) {
            if (nonblocking)
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(EAGAIN));
            m_write_waiters.wait();
            continue;
        }
        size_t chunk = kstd::min(n - done, room);
        size_t tail = (m_head + m_used) % kCapacity;
        chunk = kstd::min(chunk, kCapacity - tail);
        if (auto r = buf.read_into(m_ring + tail, done, chunk); r.is_error())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(r.error());
        m_used += chunk;
        done += chunk;
        m_read_waiters.wake_all();
        PollHub::notify();
    }
    return done;
}

short Pipe::poll_events(bool read_end) const
{
    short ev = 0;
    if (read_end) {
        if (m_used)
            ev |= linux::POLLIN | linux::POLLRDNORM;
        if (m_writers == 0)
            ev |= linux::POLLHUP;
    } else {
        if (m_readers == 0)
            ev |= linux::POLLERR;
        else if (kCapacity - m_used >= linux::PIPE_BUF)
            ev |= linux::POLLOUT | linux::POLLWRNORM;
    }
    return ev;
}

namespace {
uint64_t g_next_pipe_ino = 1;
}

PipeFile::PipeFile(RefPtr<Pipe> pipe, bool read_end, int flags)
    : File(flags), m_pipe(kstd::move(pipe)), m_read_end(read_end), m_ino(g_next_pipe_ino++)
{
    m_pipe->attach(read_end);
}

PipeFile::~PipeFile() { m_pipe->detach(m_read_end); }

ErrorOr<size_t> PipeFile::read(IoBuffer buf, size_t n)
{
    if (!m_read_end)
        return err(EBADF);
    return m_pipe->read(buf, n, is_nonblocking());
}

ErrorOr<size_t> PipeFile::write(IoBuffer buf, size_t n)
{
    if (m_read_end)
        return err(EBADF);
    return m_pipe->write(buf, n, is_nonblocking());
}

ErrorOr<void> PipeFile::stat(linux::stat& out)
{
    out = {};
    out.st_mode = linux::S_IFIFO | 0600;
    out.st_nlink = 1;
    out.st_ino = m_ino;
    out.st_blksize = 4096;
    return {};
}

ErrorOr<long> PipeFile::ioctl(unsigned long request, uintptr_t arg)
{
    if (request == linux::FIONREAD) {
        int avail = int(m_pipe->available());
        TRY(IoBuffer::user(arg).write_from(0, &avail, sizeof avail));
        return 0;
    }
    return File::ioctl(request, arg);
}

} // namespace husk
