// The console as a terminal: programs ask isatty() (TCGETS) to choose line
// buffering, read the window size, and may set terminal modes. The modes
// are kept and read back; the platform's console does no line discipline
// of its own (the host terminal does it for husk run -i).
#pragma once

#include "../../kstd/ErrorOr.h"
#include "../../vfs/IoBuffer.h"

namespace husk {

class ConsoleTerminal {
public:
    static kstd::ErrorOr<long> ioctl(unsigned long request, IoBuffer arg);
    // The process group a Ctrl-C goes to (TIOCSPGRP; pid 1's by default).
    static uint32_t foreground_group();
};

} // namespace husk
