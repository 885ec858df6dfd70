// A graceful stop asked by the host (HUSK_EVENT_STOP: `husk run` got
// SIGTERM, SIGINT or SIGHUP): a kernel thread syncs and unmounts the
// disks, then halts with 128 + the signal, as a shell reports a program
// the signal ended. (Delivering the signal to the program first belongs to
// signal delivery, which comes later.)
#pragma once

namespace husk {

class HostStop {
public:
    // Listens for the platform's stop event. Called once at boot.
    static void install();
};

} // namespace husk
