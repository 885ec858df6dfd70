#include "Panic.h"
#include <husk/platform.h>
#include <stdarg.h>
#include "../kstd/Format.h"
#include "Log.h"

namespace husk {

namespace {
bool g_panicking;

// Walks the frame-pointer chain (the kernel is built with frame pointers).
void log_backtrace()
{
    auto* frame = static_cast<uintptr_t*>(__builtin_frame_address(0));
    for (int depth = 0; frame && depth < 32; ++depth) {
        uintptr_t ret = frame[1];
        if (!ret)
            break;
        char name[128];
        if (husk_plat_symbolize(ret, name, sizeof name) != 0)
            kstd::format(name, sizeof name, "?");
        klog(LogLevel::Error, "  #%d %p %s", depth, reinterpret_cast<void*>(ret), name);
        auto* next = reinterpret_cast<uintptr_t*>(frame[0]);
        if (next <= frame) // stacks grow down: a caller's frame is higher
            break;
        frame = next;
    }
}
} // namespace

void panic(const char* fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    kstd::vformat(message, sizeof message, fmt, ap);
    va_end(ap);
    if (g_panicking) {
        husk_plat_stream_write(HUSK_STREAM_LOG, "husk: panic while panicking\n", 28);
        husk_plat_halt(kPanicExitStatus);
    }
    g_panicking = true;
    Log::set_console_level(LogLevel::Debug); // a panic is always shown
    klog(LogLevel::Error, "PANIC: %s", message);
    klog(LogLevel::Error, "backtrace:");
    log_backtrace();
    husk_plat_halt(kPanicExitStatus);
}

} // namespace husk
