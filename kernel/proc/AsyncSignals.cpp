#include "AsyncSignals.h"
#include "../vfs/AsyncFiles.h"
#include "Process.h"
#include "Signals.h"

namespace husk {

namespace {
void send(int32_t owner, int signal, int fd, short band)
{
    linux::siginfo info {};
    info.si_signo = signal ? signal : linux::SIGIO;
    if (signal) {
        // What changed, as Linux's send_sigio_to_task fills it for F_SETSIG.
        info.si_code = (band & linux::POLLHUP)  ? linux::POLL_HUP
                       : (band & linux::POLLERR) ? linux::POLL_ERR
                       : (band & linux::POLLIN)  ? linux::POLL_IN
                                                 : linux::POLL_OUT;
        info.si_band = (band & linux::POLLIN) ? (linux::POLLIN | linux::POLLRDNORM) : (linux::POLLOUT | linux::POLLWRNORM);
        info.si_fd = fd;
    } else {
        info.si_code = linux::SI_KERNEL;
    }
    if (owner > 0) {
        if (Process* p = Process::find(uint32_t(owner)); p && !p->is_zombie())
            (void)Signals::send_to_process(*p, info);
    } else if (owner < 0) {
        (void)Signals::send_to_group(owner, info);
    }
}
} // namespace

void AsyncSignals::install() { AsyncFiles::set_sender(send); }

} // namespace husk
