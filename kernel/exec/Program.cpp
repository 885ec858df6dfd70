#include "Program.h"
#include <husk/platform.h>
#include "../core/Scheduler.h"
#include "../mm/AddressSpace.h"
#include "../proc/Process.h"
#include "Exec.h"
#include "UserThread.h"

namespace husk {

namespace {
constexpr uint64_t kMillisecond = 1'000'000;
constexpr uint64_t kLingerNs = 2'000 * kMillisecond;

void sleep_ms(uint64_t ms) { Scheduler::sleep_until(husk_plat_clock_monotonic() + ms * kMillisecond); }
} // namespace

ErrorOr<int> Program::run(Process& process, kstd::StringView path, ProgramArgs args)
{
    kstd::StringView name = args.argv.is_empty() ? path : args.argv[0];
    Exec::Request request { process.root(), path, true, kstd::move(args) };
    Exec::Loaded loaded = TRY(Exec::load(process.path_context(), kstd::move(request)));
    process.set_address_space(loaded.space);
    process.set_image(loaded.image);
    process.set_executable(loaded.file, kstd::move(loaded.file_path));
    process.set_command_line(kstd::move(loaded.command_line));
    process.set_name(name);
    // As an execve would: the capabilities a program gets (those the
    // configuration gave the process are the ones it was exec'd with).
    process.credentials().exec();
    husk_user_regs regs;
    husk_user_regs_init(&regs, loaded.start.entry, loaded.start.stack_pointer);
    // Pid 1's first thread has tid 1.
    TRY(UserThread::start(process, regs, process.pid()));
    while (!process.exiting())
        process.exit_waiters().wait();
    // The machine stops with pid 1: its other threads and every other
    // process were told to end; give them a moment to leave application
    // code and close what they hold (a thread blocked for good in the
    // kernel stays until the machine halts).
    uint64_t until = husk_plat_clock_monotonic() + kLingerNs;
    while ((process.program_threads() > 0 || Process::count() > 1) && husk_plat_clock_monotonic() < until)
        sleep_ms(1);
    return process.exit_status();
}

} // namespace husk
