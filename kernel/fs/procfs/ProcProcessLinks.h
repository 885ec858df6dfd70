// Where the links of /proc name: /proc/self (the caller's pid) and a
// process's exe, cwd, root and fd/N. Paths are absolute, as seen from the
// reader's root; a descriptor without a path shows Linux's forms
// ("pipe:[INO]", "socket:[INO]", "anon_inode:[eventfd]").
#pragma once

#include "ProcLink.h"

namespace husk::proc_links {

kstd::ErrorOr<size_t> self(uint32_t, uint32_t, char* buf, size_t size);
kstd::ErrorOr<size_t> exe(uint32_t pid, uint32_t, char* buf, size_t size);
kstd::ErrorOr<size_t> cwd(uint32_t pid, uint32_t, char* buf, size_t size);
kstd::ErrorOr<size_t> root(uint32_t pid, uint32_t, char* buf, size_t size);
kstd::ErrorOr<size_t> fd(uint32_t pid, uint32_t fd, char* buf, size_t size);

} // namespace husk::proc_links
