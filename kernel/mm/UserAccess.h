// Copies between kernel memory and the calling application's memory, as
// the platform's user copies do, but a page the application reserved and
// never touched is brought in first, as the page fault of a direct access
// would (read(2) into a fresh malloc'd buffer must work), and a write into
// a copy-on-write page shared since a fork copies it first (never writing
// into the other process's page). Same results as
// husk_plat_copy_*: 0 or -EFAULT; the string copy's length or -errno.
#pragma once

#include <stddef.h>

namespace husk {

int user_copy_in(void* dst, const void* user_src, size_t len);
int user_copy_out(void* user_dst, const void* src, size_t len);
long user_strncpy(char* dst, const char* user_src, size_t max);
// The platform's copy alone: a page not yet brought in is EFAULT. It
// needs neither the big lock nor interrupts (futex words read under a
// bucket's spin lock); on EFAULT the caller takes the big lock and uses
// user_copy_in, which brings the page in.
int user_copy_in_nofault(void* dst, const void* user_src, size_t len);

} // namespace husk
