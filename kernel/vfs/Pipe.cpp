#include "Pipe.h"
#include "../core/Heap.h"
#include "PollHub.h"

namespace husk {

using namespace kstd::errno_values;

ErrorOr<RefPtr<Pipe>> Pipe::create()
{
    auto pipe = kstd::adopt_new<Pipe>();
    if (!pipe)
        return err(ENOMEM);
    pipe->m_pages = static_cast<uint8_t*>(Heap::allocate_pages(kCapacity / kPageSize));
    if (!pipe->m_pages)
        return err(ENOMEM);
    return pipe;
}

Pipe::~Pipe()
{
    if (m_pages)
        Heap::free_pages(m_pages, kCapacity / kPageSize);
}

void Pipe::attach(bool read_end) { ++(read_end ? m_readers : m_writers); }

void Pipe::detach(bool read_end)
{
    --(read_end ? m_readers : m_writers);
    changed(read_end ? linux::POLLOUT : linux::POLLIN);
}

void Pipe::changed(short which)
{
    m_read_waiters.wake_all();
    m_write_waiters.wake_all();
    PollHub::notify(m_generation, which);
}

size_t Pipe::available() const
{
    size_t n = 0;
    for (size_t i = m_tail; i != m_head; ++i)
        n += m_slots[i % kSlots].length;
    return n;
}

ErrorOr<size_t> Pipe::read(IoBuffer buf, size_t n, bool nonblocking)
{
    if (n == 0)
        return 0;
    while (is_empty()) {
        if (m_writers == 0)
            return 0; // EOF
        if (nonblocking)
            return err(EAGAIN);
        if (m_read_waiters.wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS); // a signal: EINTR, or read again after its handler (SA_RESTART)
    }
    size_t done = 0;
    while (done < n && !is_empty()) {
        Slot& s = slot(m_tail);
        size_t chunk = kstd::min<size_t>(s.length, n - done);
        if (auto r = buf.write_from(done, page(m_tail) + s.offset, chunk); r.is_error()) {
            if (done == 0)
                return r.error();
            break;
        }
        s.offset += uint32_t(chunk);
        s.length -= uint32_t(chunk);
        done += chunk;
        if (s.length == 0)
            ++m_tail;
    }
    changed(linux::POLLOUT); // room for writers
    return done;
}

ErrorOr<size_t> Pipe::write(IoBuffer buf, size_t n, bool nonblocking)
{
    if (m_readers == 0)
        return err(EPIPE);
    if (n == 0)
        return 0;
    size_t done = 0;
    // The sub-page remainder merges into the last slot when it fits.
    size_t remainder = n % kSlotSize;
    if (remainder && !is_empty()) {
        Slot& last = slot(m_head - 1);
        size_t end = last.offset + last.length;
        if (end + remainder <= kSlotSize) {
            TRY(buf.read_into(page(m_head - 1) + end, 0, remainder));
            last.length += uint32_t(remainder);
            done = remainder;
            changed(linux::POLLIN);
            if (done == n)
                return done;
        }
    }
    for (;;) {
        if (m_readers == 0)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(EPIPE));
        if (!is_full()) {
            size_t chunk = kstd::min(n - done, kSlotSize);
            if (auto r = buf.read_into(page(m_head), done, chunk); r.is_error())
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(r.error());
            slot(m_head) = { 0, uint32_t(chunk) };
            ++m_head;
            done += chunk;
            changed(linux::POLLIN);
            if (done == n)
                return done;
            continue;
        }
        if (nonblocking)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(EAGAIN));
        if (m_write_waiters.wait_interruptible() == WaitQueue::Result::Interrupted)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(ERESTARTSYS)); // what was written counts
    }
}

short Pipe::poll_events(bool read_end) const
{
    short ev = 0;
    if (read_end) {
        if (!is_empty())
            ev |= linux::POLLIN | linux::POLLRDNORM;
        if (m_writers == 0)
            ev |= linux::POLLHUP;
    } else {
        if (!is_full())
            ev |= linux::POLLOUT | linux::POLLWRNORM;
        if (m_readers == 0)
            ev |= linux::POLLERR;
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

ErrorOr<long> PipeFile::ioctl(unsigned long request, IoBuffer arg)
{
    if (request == linux::FIONREAD) {
        int avail = int(m_pipe->available());
        TRY(arg.write_from(0, &avail, sizeof avail));
        return 0;
    }
    return File::ioctl(request, arg);
}

} // namespace husk
