// Running a static Linux executable as a process's program (unikernel use):
// load it into a fresh address space, enter it, serve its system calls and
// page faults until it exits or is killed by a fault. Fork and execve will
// build on the same pieces.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"
#include "ProgramLoader.h"

namespace husk {

class Process;

class Program {
public:
    // Returns the exit status a shell would show: the program's own
    // (0..255), or 128 + the signal that killed it (139 for SIGSEGV).
    // Errors: ENOEXEC (not a runnable static executable; logged), ENOMEM,
    // ENOSYS (this platform runs no applications).
    static kstd::ErrorOr<int> run(Process& process, const uint8_t* elf, size_t size, const ProgramArgs& args);

private:
    // The signal a CPU trap delivers (Linux's choice for each exception).
    static int signal_for(const husk_trap& trap);
    static void report_fault(const ElfImage& image, uint64_t bias, const husk_trap& trap, const husk_user_regs& regs,
                             int signal);
};

} // namespace husk
