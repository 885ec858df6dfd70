// /proc/sys: the kernel's tunables that programs read, each the value the
// owning subsystem really uses: kernel/{hostname, domainname} (uname's,
// writable by root as on Linux), {ostype, osrelease, version, pid_max},
// kernel/random/{uuid (new at every read), boot_id (one per boot)},
// net/core/somaxconn (listen's cap), vm/overcommit_memory, fs/{file-max,
// nr_open}. The others are read-only (EACCES on write).
#pragma once

#include "../../vfs/Vnode.h"

namespace husk::proc_sysctl {

// Fills /proc/sys (a ProcDirectory) at its first use.
kstd::ErrorOr<void> fill(Vnode& sys);

} // namespace husk::proc_sysctl
