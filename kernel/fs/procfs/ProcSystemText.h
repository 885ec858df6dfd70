// The system-wide files of /proc about the CPUs: cpuinfo (what each online
// CPU is, as the platform identifies it, in Linux's x86 layout) and stat
// (each CPU's time in USER_HZ ticks, switches, boot time, processes).
#pragma once

#include "../../kstd/Types.h"

namespace husk::proc_system {

size_t cpuinfo(char* buf, size_t size);
size_t stat(char* buf, size_t size);

} // namespace husk::proc_system
