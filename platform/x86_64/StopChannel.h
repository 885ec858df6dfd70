// Requests from the host on COM2, the serial port that carries the exit
// status the other way: `husk run` writes "husk-stop:SIGNAL\n" when it is
// asked to stop (SIGTERM, SIGINT, SIGHUP; husk stop); the kernel then
// syncs, unmounts and halts with 128 + SIGNAL (husk_plat_stop_requested).
// "husk-signal:N\n" (husk kill -s N) asks the kernel to send pid 1 signal
// N (husk_plat_host_signal).
#pragma once

namespace husk::x86 {

class StopChannel {
public:
    // Listens on COM2's interrupt. Not an event source for deadlock
    // detection: a stuck guest still says so instead of waiting for a stop.
    static void init();
    static int requested();
    // The lowest pending host signal, taken; 0 when none.
    static int take_signal();
};

} // namespace husk::x86
