// The kernel log: a fixed ring of text lines, read back as dmesg (syslog(2)),
// mirrored to the console for lines at or above the console level.
#pragma once

#include "../kstd/Types.h"

namespace husk {

// syslog's numbers. Notice is what a booting unikernel tells its user (its
// network addresses); the console shows it unless loglevel= says less.
enum class LogLevel : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

class Log {
public:
    static void write(LogLevel level, const char* fmt, __builtin_va_list ap);
    // Copies the oldest-first contents into buf; returns bytes copied.
    static size_t read_all(char* buf, size_t size);
    static size_t size();
    static void clear();
    static void set_console_level(LogLevel level);
    // A program's line (its syslog(3) message): stamped as the kernel's
    // lines are and written to the log stream whatever the console level,
    // as a service manager's journal keeps them; not kept in the kernel's
    // ring (dmesg), which Linux keeps apart from /dev/log too.
    static void write_service(const char* text, size_t n);
};

void klog(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

} // namespace husk
