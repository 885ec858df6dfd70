// The console hypercalls over the serial port, and printf-style output for
// the platform's own reports (kstd's formatter: no libc here).
#pragma once

#include <stddef.h>

namespace husk::x86 {

class Console {
public:
    static void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
};

} // namespace husk::x86
