// Copies between kernel memory and the calling application's memory, as
// the platform's user copies do, but a page the application reserved and
// never touched is brought in first, as the page fault of a direct access
// would (read(2) into a fresh malloc'd buffer must work), and a write into
// a copy-on-write page shared since a fork copies it first (never writing
// into the other process's page). Same results as
// husk_plat_copy_*: 0 or -EFAULT; the string copy's length or -errno.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk {

int user_copy_in(void* dst, const void* user_src, size_t len);
int user_copy_out(void* user_dst, const void* src, size_t len);
long user_strncpy(char* dst, const char* user_src, size_t max);
// The platform's copy alone: a page not yet brought in is EFAULT. It
// needs neither the big lock nor interrupts (futex words read under a
// bucket's spin lock); on EFAULT the caller takes the big lock and uses
// user_copy_in, which brings the page in.
int user_copy_in_nofault(void* dst, const void* user_src, size_t len);
// Compare-and-exchange of a 32-bit user word (husk_plat_cmpxchg_user),
// atomic against the program's threads on other CPUs: stores `desired` if
// the word holds `expected`; `found` is what it held. As the nofault copy:
// no big lock needed, EFAULT for a page not in or not yet writable (copy
// on write), which user_fault_in_writable then brings in.
int user_cmpxchg_nofault(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t& found);
// Brings in the page of a user word for writing, as a write fault would
// (a copy-on-write page is copied): 0, or -EFAULT when no region allows
// writing there. Under the big lock.
int user_fault_in_writable(uint32_t* user_word);
// user_cmpxchg_nofault that brings the page in first when it must (under
// the big lock): 0 (`found` tells whether it stored), or -EFAULT.
int user_cmpxchg(uint32_t* user_word, uint32_t expected, uint32_t desired, uint32_t& found);

} // namespace husk
