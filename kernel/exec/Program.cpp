#include "Program.h"
#include <husk/platform.h>
#include "../kstd/Format.h"
#include "../mm/AddressSpace.h"
#include "../proc/Process.h"
#include "UserThread.h"

namespace husk {

ErrorOr<int> Program::run(Process& process, const uint8_t* elf, size_t size, const ProgramArgs& args)
{
    // Arguments need not be NUL-terminated (they may come from JSON).
    char name[64] = "program";
    if (!args.argv.is_empty())
        kstd::format(name, sizeof name, "%.*s", int(args.argv[0].length()), args.argv[0].data());
    // The image outlives every thread of the program: they may still be
    // scheduled for a moment after the process ended.
    auto* image = new ElfImage(TRY(ElfImage::parse(elf, size, name)));
    if (!image)
        return err(kstd::ENOMEM);
    kstd::RefPtr<AddressSpace> as = TRY(AddressSpace::create());
    LoadedProgram loaded = TRY(ProgramLoader::load(*as, *image, args));
    process.set_address_space(as);
    process.set_image(image, loaded.load_bias);
    process.set_name(name);
    as->activate();

    husk_user_regs regs;
    husk_user_regs_init(&regs, loaded.entry, loaded.stack_pointer);
    TRY(UserThread::start(process, regs));
    while (!process.exiting())
        process.exit_waiters().wait();
    return process.exit_status();
}

} // namespace husk
