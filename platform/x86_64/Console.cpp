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
    Serial::write_log(line, n < sizeof line ? n : sizeof line - 1);
}

} // namespace husk::x86

namespace {
// console_input=stream: husk run relays a pipe or file, escaped so that its
// end can travel in band: 0xff 0xff is a 0xff byte, 0xff 0x00 the end of
// the input (a serial line has no end of file of its own).
constexpr uint8_t kEscape = 0xff, kEnd = 0x00;
bool g_escaped, g_ended;

size_t unescape(char* buf, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n && !g_ended; ++i) {
        uint8_t c = uint8_t(buf[i]);
        if (g_escaped) {
            g_escaped = false;
            if (c == kEnd)
                g_ended = true;
            else
                buf[out++] = char(c);
        } else if (c == kEscape) {
            g_escaped = true;
        } else {
            buf[out++] = char(c);
        }
    }
    return out;
}
} // namespace

extern "C" void husk_plat_console_write(const char* buf, size_t len) { husk::x86::Serial::write(buf, len); }
extern "C" void husk_plat_stream_write(int stream, const char* buf, size_t len)
{
    if (stream == HUSK_STREAM_ERROR)
        husk::x86::Serial::write_error(buf, len);
    else
        husk::x86::Serial::write_log(buf, len);
}

extern "C" long husk_plat_console_read(char* buf, size_t len)
{
    using husk::x86::Devices;
    // Without console_input (husk run -i) nobody types: end of file, as
    // for a program whose stdin is /dev/null.
    if (!Devices::console_input() || g_ended)
        return -kstd::ENODEV;
    size_t n = husk::x86::Serial::read(buf, len);
    if (!Devices::console_stream())
        return long(n);
    n = unescape(buf, n);
    return n == 0 && g_ended ? -kstd::ENODEV : long(n);
}
