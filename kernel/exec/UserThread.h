// A kernel thread that runs application code: it enters the program with
// husk_plat_user_run and serves what comes back — system calls, page
// faults, fatal exceptions — until the thread or its process exits. The
// program's first thread and every clone(CLONE_THREAD) are one of these.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"

namespace husk {

class Process;
class Thread;

class UserThread {
public:
    // Starts a thread of `process` (which runs a program) at `regs`, in
    // the process's address space; tid 0: a new id.
    static kstd::ErrorOr<Thread*> start(Process& process, const husk_user_regs& regs, uint32_t tid = 0);

private:
    static void main(void* start);
    // Ends the process with the signal a fault delivers (or `signal`:
    // SIGBUS for a page past the end of a mapped file), after a report.
    static void die_of(Process& process, const husk_trap& trap, const husk_user_regs& regs, int signal = 0);
    // Ends the process as Linux's OOM killer does (SIGKILL) when a page
    // it may touch cannot be backed.
    static void die_of_out_of_memory(Process& process, const husk_trap& trap);
};

} // namespace husk
