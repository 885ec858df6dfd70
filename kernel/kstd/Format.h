// printf-style formatting into a fixed buffer (no allocation). Supports
// %d %i %u %x %X %o %p %s %c %% with l/ll/z length, width, zero padding,
// left alignment and %.*s precision.
#pragma once

#include <stdarg.h>
#include "Types.h"

namespace kstd {

// Returns the length the full output would have (like vsnprintf); the buffer
// always ends with NUL when size > 0.
size_t vformat(char* buf, size_t size, const char* fmt, va_list ap);
size_t format(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

} // namespace kstd
