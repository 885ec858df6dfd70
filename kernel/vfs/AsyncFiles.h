// O_ASYNC (fcntl F_SETFL, ioctl FIOASYNC): a socket or pipe whose readiness
// changes sends a signal to its owner (F_SETOWN: a process, or a process
// group when negative; F_SETSIG: which signal, SIGIO by default), as
// Linux's fasync does. PollHub tells AsyncFiles of every change; the
// signal goes out through a sender the process layer installs, as the VFS
// sits below it. nginx's master sets FIOASYNC on its workers' channels.
#pragma once

#include "../kstd/ErrorOr.h"
#include "PollHub.h"

namespace husk {

class File;

class AsyncFiles {
public:
    // Sends signal (0: SIGIO without details) to owner for a change of fd:
    // band is POLLIN/POLLOUT/... as si_band says.
    using Sender = void (*)(int32_t owner, int signal, int fd, short band);
    static void set_sender(Sender sender);

    // O_ASYNC on (or off) for f, known to its process as fd: ENOTTY for a
    // file that cannot signal (FIOASYNC's answer; F_SETFL ignores it).
    static kstd::ErrorOr<void> enable(File& f, int fd, bool on);
    // A readiness source changed (PollHub::notify).
    static void changed(const PollGeneration& source, short which);
    // f goes away.
    static void forget(File& f);
};

} // namespace husk
