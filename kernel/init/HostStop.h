// A graceful stop asked by the host (HUSK_EVENT_STOP: `husk run` got
// SIGTERM, SIGINT or SIGHUP), as `docker stop` does it: pid 1 gets SIGTERM
// (a Ctrl-C: SIGINT to the console's foreground process group) and most of husk run's stop timeout
// (stop_timeout_ms, less a second for the disks) to end on its own; then
// every process is killed. Either way the boot code then syncs and
// unmounts the disks and halts with pid 1's status (143 for a program
// SIGTERM ended, 137 for one that had to be killed). Without a program,
// the disks are synced and unmounted at once and the status is 128 + the
// signal.
// A signal the host sends (HUSK_EVENT_SIGNAL: `husk kill -s SIGNAL`) goes
// to pid 1 as kill(2) would send it.
#pragma once

namespace husk {

class HostStop {
public:
    // Listens for the platform's stop and signal events. Called once at boot.
    static void install();
};

} // namespace husk
