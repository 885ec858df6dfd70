// The system-wide files of /proc about the kernel as a whole, in proc(5)'s
// formats: meminfo (the page allocator's and the buffer cache's figures),
// uptime (the monotonic clock since boot, the CPUs' idle time), loadavg,
// version (what uname(2) reports) and filesystems (the registered types).
#pragma once

#include "../../kstd/Types.h"

namespace husk::proc_kernel {

size_t meminfo(char* buf, size_t size);
size_t uptime(char* buf, size_t size);
// The three loads (proc/LoadAverage), running and all threads, the last id.
size_t loadavg(char* buf, size_t size);
size_t version(char* buf, size_t size);
size_t filesystems(char* buf, size_t size);

} // namespace husk::proc_kernel
