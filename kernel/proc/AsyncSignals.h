// The process side of O_ASYNC (vfs/AsyncFiles.h): SIGIO, or the signal
// F_SETSIG chose with si_band and si_fd, to a file's owner process or group.
#pragma once

namespace husk {

class AsyncSignals {
public:
    // Makes AsyncFiles send through Signals (at boot).
    static void install();
};

} // namespace husk
