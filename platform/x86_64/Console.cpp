#include "Console.h"
#include <husk/platform.h>
#include <stdarg.h>
#include "../../kernel/kstd/Format.h"
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
    return long(husk::x86::Serial::read(buf, len));
}
