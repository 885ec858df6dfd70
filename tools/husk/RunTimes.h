// Where husk run's time goes, for bench/boot and bench/run: with
// HUSK_RUN_TIMES=FILE in the environment, husk notes the wall-clock time
// (CLOCK_REALTIME, ns) of a few points of its run and appends them to FILE
// as "NAME NS" lines when it returns. Without it, nothing is noted.
#pragma once

namespace husk::tools {

// Notes NAME (a string literal) now: main, spawn (QEMU about to start),
// spawned (QEMU's exec done), status (the guest's exit status arrived),
// exited (QEMU ended), return.
void run_time(const char* name);

// Notes "return" and appends the notes to the file.
void write_run_times();

} // namespace husk::tools
