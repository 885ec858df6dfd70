#include "ConsoleTerminal.h"
#include "../../abi/Linux.h"
#include "../../proc/Process.h"

namespace husk {

namespace {
// Linux's defaults for a serial console: ICRNL|IXON, OPOST|ONLCR,
// B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN.
linux::termios g_modes { 0x500, 0x5, 0xbf, 0x8a3b, 0,
                         { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 0, 0, 0 } };
linux::winsize g_size { 24, 80, 0, 0 };
uint32_t g_foreground; // the foreground process group; 0: pid 1's
} // namespace

uint32_t ConsoleTerminal::foreground_group()
{
    if (g_foreground && Process::group_exists(g_foreground))
        return g_foreground;
    Process* init = Process::init();
    return init ? init->pgid() : 0;
}

kstd::ErrorOr<long> ConsoleTerminal::ioctl(unsigned long request, IoBuffer arg)
{
    switch (request) {
    case linux::TCGETS:
        TRY(arg.write_from(0, &g_modes, sizeof g_modes));
        return 0;
    case linux::TCSETS:
    case linux::TCSETSW:
    case linux::TCSETSF: {
        linux::termios modes;
        TRY(arg.read_into(&modes, 0, sizeof modes));
        g_modes = modes;
        return 0;
    }
    case linux::TIOCGWINSZ:
        TRY(arg.write_from(0, &g_size, sizeof g_size));
        return 0;
    case linux::TIOCSWINSZ: {
        linux::winsize size;
        TRY(arg.read_into(&size, 0, sizeof size));
        g_size = size;
        return 0;
    }
    case linux::TIOCGPGRP: {
        auto group = int32_t(foreground_group());
        TRY(arg.write_from(0, &group, sizeof group));
        return 0;
    }
    case linux::TIOCSPGRP: {
        // A shell's job control: the group must exist in the caller's session.
        int32_t group;
        TRY(arg.read_into(&group, 0, sizeof group));
        if (group < 0)
            return kstd::err(kstd::EINVAL);
        bool in_session = false;
        uint32_t session = Process::current().sid();
        Process::for_each([&](Process& p) {
            if (p.pgid() == uint32_t(group) && p.sid() == session && !p.is_zombie())
                in_session = true;
        });
        if (!in_session)
            return kstd::err(kstd::EPERM);
        g_foreground = uint32_t(group);
        return 0;
    }
    case linux::TIOCSCTTY:
    case linux::TIOCNOTTY:
        return 0; // the console is every session's controlling terminal
    case linux::TIOCGSID: {
        Process* init = Process::init();
        auto session = int32_t(init ? init->sid() : 0);
        TRY(arg.write_from(0, &session, sizeof session));
        return 0;
    }
    default:
        return kstd::err(kstd::ENOTTY);
    }
}

} // namespace husk
