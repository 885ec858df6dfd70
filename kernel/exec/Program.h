// Running the first program (pid 1, unikernel use): load it like execve,
// start its first thread, and wait for the process to end.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"
#include "ProgramLoader.h"

namespace husk {

class Process;

class Program {
public:
    // Runs the executable at `path` (absolute, in the process's file
    // system) as the process's program. Returns the exit status a shell
    // would show: the program's own (0..255), or 128 + the signal that
    // killed it (139 for SIGSEGV). Errors: ENOENT, EACCES, ENOEXEC (not a
    // runnable static executable; logged), E2BIG, ENOMEM, ENOSYS (this
    // platform runs no applications).
    static kstd::ErrorOr<int> run(Process& process, kstd::StringView path, ProgramArgs args);
};

} // namespace husk
