// ITIMER_VIRTUAL and ITIMER_PROF: SIGVTALRM when the process's time in its
// program, SIGPROF when its CPU time (program and kernel) passes a
// deadline, then every interval. Checked when one of its threads comes back
// from the program (the scheduler brings it back at the end of each slice
// while one is armed), so they keep a slice's precision, as Linux keeps a
// tick's. fork does not pass them on; execve keeps them.
#pragma once

#include "Signals.h"

namespace husk {

class Process;

class CpuTimers {
public:
    // getitimer: what is left and the interval; which is ITIMER_VIRTUAL or ITIMER_PROF.
    static Signals::TimerValue get(Process& process, int which);
    // setitimer: arms (value 0: disarms), returning the previous setting.
    static Signals::TimerValue set(Process& process, int which, Signals::TimerValue value);
    // Sends the signals of the timers that expired.
    static void check(Process& process);
};

} // namespace husk
