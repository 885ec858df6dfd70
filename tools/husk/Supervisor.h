// husk run without -i (or with -d): the guest runs under a small
// supervisor process, detached from husk run (double fork, setsid), that
// owns QEMU, holds the instance's lock, records its exit status and
// answers requests on a unix socket in the instance's directory
// (InstanceStore.h):
//
//   "stop SECONDS\n"  as SIGTERM to husk run -i: the guest's pid 1 gets
//                     SIGTERM, the kernel syncs, unmounts and halts (143);
//                     QEMU is killed after SECONDS (137)
//   "kill 9\n"        QEMU is killed at once (137), as docker kill
//   "kill N\n"        signal N to the guest's pid 1 (COM2: husk-signal:N)
//
// It answers "ok\n" (or "error: WHY\n"); after stop and kill 9 it keeps the
// connection until it has recorded the end, so the client waits by
// reading to end of file.
#pragma once

#include "InstanceStore.h"
#include "QemuLauncher.h"

namespace husk::tools {

// Records the instance (its name chosen or made; 125 if in use), starts
// the supervisor and returns once QEMU runs the guest: 0 after printing
// the name, or 125 with QEMU's reason (nothing left in the state
// directory).
int start_instance(const QemuLauncher& launcher, double stop_timeout_s, InstanceRecord record);

// Sends request to dir's supervisor. With wait_s > 0, waits up to that
// long for the supervisor to end (its answer's end of file). "" or why not.
std::string control_request(const std::string& dir, const std::string& request, double wait_s);

} // namespace husk::tools
