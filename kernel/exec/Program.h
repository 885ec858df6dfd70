// Running a static Linux executable as a process's program (unikernel use):
// load it into a fresh address space, start its first thread, and wait for
// the process to end. Fork and execve will build on the same pieces.
#pragma once

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
};

} // namespace husk
