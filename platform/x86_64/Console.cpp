#include "Console.h"
#include <husk/platform.h>
#include <stdarg.h>
#include "../../kernel/kstd/Format.h"
#include "../../kernel/kstd/Errno.h"
#include "Devices.h"
#include "Serial.h"

namespace husk::x86 {

void Console::print(const char* fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = kstd::vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    Serial::write(line, n < sizeof line ? n : sizeof line - 1);
}

} // namespace husk::x86

extern "C" void husk_plat_console_write(const char* buf, size_t len) { husk::x86::Serial::write(buf, len); }

extern "C" long husk_plat_console_read(char* buf, size_t len)
{
    // Without console_input=1 (husk run -i) nobody types: end of file, as
    // for a program whose stdin is /dev/null.
    if (!husk::x86::Devices::console_input())
        return -kstd::ENODEV;
    return long(husk::x86::Serial::read(buf, len));
}
