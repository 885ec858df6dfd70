#include "ConsoleTerminal.h"
#include "../../abi/Linux.h"
#include "../../proc/Process.h"
#include "../../syscall/UserPtr.h"

namespace husk {

namespace {
// Linux's defaults for a serial console: ICRNL|IXON, OPOST|ONLCR,
// B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN.
linux::termios g_modes { 0x500, 0x5, 0xbf, 0x8a3b, 0,
                         { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 0, 0, 0 } };
linux::winsize g_size { 24, 80, 0, 0 };
} // namespace

kstd::ErrorOr<long> ConsoleTerminal::ioctl(unsigned long request, uintptr_t arg)
{
    switch (request) {
    case linux::TCGETS:
        TRY(copy_out(UserPtr<linux::termios>(arg), g_modes));
        return 0;
    case linux::TCSETS:
    case linux::TCSETSW:
    case linux::TCSETSF:
        g_modes = TRY(copy_in(UserPtr<const linux::termios>(arg)));
        return 0;
    case linux::TIOCGWINSZ:
        TRY(copy_out(UserPtr<linux::winsize>(arg), g_size));
        return 0;
    case linux::TIOCSWINSZ:
        g_size = TRY(copy_in(UserPtr<const linux::winsize>(arg)));
        return 0;
    case linux::TIOCGPGRP:
        TRY(copy_out(UserPtr<int32_t>(arg), int32_t(Process::current().pid())));
        return 0;
    case linux::TIOCSPGRP:
        TRY(copy_in(UserPtr<const int32_t>(arg)));
        return 0;
    default:
        return kstd::err(kstd::ENOTTY);
    }
}

} // namespace husk
