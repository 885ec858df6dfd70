#include "Log.h"
#include <husk/platform.h>
#include <stdarg.h>
#include "../kstd/Format.h"

namespace husk {

namespace {
constexpr size_t kRingSize = 64 * 1024;
char g_ring[kRingSize];
size_t g_head;     // total bytes ever written; ring index = g_head % size
LogLevel g_console_level = LogLevel::Notice;
uint64_t g_boot_ns;
bool g_boot_known;

// "[seconds.micros] " since the first line.
size_t stamp(char* line, size_t size)
{
    uint64_t now = husk_plat_clock_monotonic();
    if (!g_boot_known) {
        g_boot_ns = now;
        g_boot_known = true;
    }
    uint64_t since = now - g_boot_ns;
    return kstd::format(line, size, "[%5lu.%06lu] ", (unsigned long)(since / 1000000000),
                        (unsigned long)(since / 1000 % 1000000));
}
} // namespace

void Log::write(LogLevel level, const char* fmt, va_list ap)
{
    char line[512];
    size_t n = stamp(line, sizeof line);
    if (n < sizeof line)
        n += kstd::vformat(line + n, sizeof line - n, fmt, ap);
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    for (size_t i = 0; i < n; ++i)
        g_ring[(g_head + i) % kRingSize] = line[i];
    g_head += n;
    if (int(level) <= int(g_console_level))
        husk_plat_stream_write(HUSK_STREAM_LOG, line, n);
}

void Log::write_service(const char* text, size_t n)
{
    char line[1100];
    size_t used = stamp(line, sizeof line);
    size_t room = sizeof line - 1 - used;
    if (n > room)
        n = room;
    memcpy(line + used, text, n);
    used += n;
    line[used++] = '\n';
    husk_plat_stream_write(HUSK_STREAM_LOG, line, used);
}

size_t Log::size() { return g_head < kRingSize ? g_head : kRingSize; }

size_t Log::read_all(char* buf, size_t size)
{
    size_t have = Log::size();
    size_t start = g_head - have;
    // Skip a partial first line after wrap-around.
    if (g_head > kRingSize) {
        while (have && g_ring[start % kRingSize] != '\n') {
            ++start;
            --have;
        }
        if (have) {
            ++start;
            --have;
        }
    }
    size_t n = have < size ? have : size;
    for (size_t i = 0; i < n; ++i)
        buf[i] = g_ring[(start + i) % kRingSize];
    return n;
}

void Log::clear() { g_head = 0; }
void Log::set_console_level(LogLevel level) { g_console_level = level; }

void klog(LogLevel level, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Log::write(level, fmt, ap);
    va_end(ap);
}

} // namespace husk
