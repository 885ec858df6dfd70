#include "DeviceNode.h"
#include "ConsoleTerminal.h"
#include <husk/platform.h>
#include "../../core/Scheduler.h"
#include "../../core/WaitQueue.h"
#include "DeviceFile.h"

namespace husk {

using namespace kstd::errno_values;

DeviceNode::DeviceNode(FileSystem& fs, uint64_t ino, const CharDevice& device)
    : Vnode(fs, ino, linux::S_IFCHR | 0666), m_device(device)
{
    m_rdev = linux::makedev(device.major, device.minor);
    m_size = 0;
}

ErrorOr<kstd::RefPtr<File>> DeviceNode::open_device(int flags)
{
    auto file = kstd::adopt_new<DeviceFile>(kstd::RefPtr<DeviceNode>(this), flags);
    if (!file)
        return err(ENOMEM);
    return kstd::RefPtr<File>(file);
}

namespace {

ErrorOr<size_t> read_eof(IoBuffer, size_t, bool) { return 0; }
ErrorOr<size_t> write_sink(IoBuffer, size_t n) { return n; }
ErrorOr<size_t> write_full(IoBuffer, size_t) { return err(ENOSPC); }

ErrorOr<size_t> read_zero(IoBuffer buf, size_t n, bool)
{
    TRY(buf.fill_zero(0, n));
    return n;
}

ErrorOr<size_t> read_random(IoBuffer buf, size_t n, bool)
{
    uint8_t chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = kstd::min(n - done, sizeof chunk);
        if (husk_plat_random(chunk, c) != 0)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(err(EIO));
        TRY(buf.write_from(done, chunk, c));
        done += c;
    }
    return n;
}

WaitQueue& console_waiters()
{
    static WaitQueue q;
    return q;
}

void console_events(uint32_t events)
{
    if (events & HUSK_EVENT_CONSOLE)
        console_waiters().wake_all();
}

ErrorOr<size_t> read_console(IoBuffer buf, size_t n, bool nonblocking)
{
    static bool handler_installed;
    if (!handler_installed) {
        Scheduler::add_event_handler(console_events);
        handler_installed = true;
    }
    char chunk[256];
    for (;;) {
        long got = husk_plat_console_read(chunk, kstd::min(n, sizeof chunk));
        if (got == -ENODEV)
            return 0; // no console input at all: end of file
        if (got < 0)
            return err(int(-got));
        if (got > 0) {
            TRY(buf.write_from(0, chunk, size_t(got)));
            return size_t(got);
        }
        if (nonblocking || n == 0)
            return err(EAGAIN);
        if (console_waiters().wait_interruptible() == WaitQueue::Result::Interrupted)
            return err(ERESTARTSYS); // as a terminal's read (n_tty)
    }
}

ErrorOr<size_t> write_console(IoBuffer buf, size_t n)
{
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = kstd::min(n - done, sizeof chunk);
        TRY(buf.read_into(chunk, done, c));
        husk_plat_console_write(chunk, c);
        done += c;
    }
    return n;
}

const CharDevice g_devices[] = {
    { "null", 1, 3, read_eof, write_sink, nullptr },
    { "zero", 1, 5, read_zero, write_sink, nullptr },
    { "full", 1, 7, read_zero, write_full, nullptr },
    { "random", 1, 8, read_random, write_sink, nullptr },
    { "urandom", 1, 9, read_random, write_sink, nullptr },
    { "console", 5, 1, read_console, write_console, ConsoleTerminal::ioctl },
    { "tty", 5, 0, read_console, write_console, ConsoleTerminal::ioctl },
};

} // namespace

const CharDevice* builtin_devices(size_t& count)
{
    count = sizeof g_devices / sizeof g_devices[0];
    return g_devices;
}

} // namespace husk
