// husk_x86_main: from boot.S to the image's program. Brings up the CPU
// tables, memory, clock, interrupt controllers and devices, boots the
// portable kernel, runs husk_image_main (the boot test, or the loader of an
// application) and halts with its status.
#include <husk/platform.h>
#include "BootInfo.h"
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "Devices.h"
#include "Gdt.h"
#include "Idt.h"
#include "IoApic.h"
#include "Lapic.h"
#include "Paging.h"
#include "PhysicalMemory.h"
#include "Preemption.h"
#include "Serial.h"

extern "C" int husk_kernel_boot(void);
extern "C" uint64_t husk_x86_entry_tsc; // written by boot.S at the first instruction
// The program of this image (provided by what is linked with the platform).
extern "C" int husk_image_main(void);

namespace {
[[noreturn]] void fail(const char* what)
{
    husk::x86::Console::print("husk: boot failed: %s\n", what);
    husk_plat_halt(HUSK_EXIT_PANIC);
}

void run_constructors()
{
    using Constructor = void (*)();
    extern Constructor husk_init_array_start[] asm("husk_init_array_start");
    extern Constructor husk_init_array_end[] asm("husk_init_array_end");
    for (Constructor* c = husk_init_array_start; c < husk_init_array_end; ++c)
        (*c)();
}
} // namespace

extern "C" [[noreturn]] void husk_x86_main(uint64_t start_info)
{
    using namespace husk::x86;
    Clock::record_boot_tsc();
    Serial::init();
    Serial::write("husk]\n");
    Gdt::init();
    Idt::init();
    run_constructors();
    if (!BootInfo::parse(start_info))
        fail("unusable PVH start_info");
    if (!PhysicalMemory::init() || !Paging::init())
        fail("not enough memory for page tables");
    if (!Clock::init())
        fail("no clock");
    if (!Lapic::init())
        fail("no local APIC timer");
    IoApic::init();
    Preemption::init();
    Devices::probe(); // device rings come from early frames
    PhysicalMemory::seal();
    sti();

    int r = husk_kernel_boot();
    if (r < 0) {
        Console::print("husk: the kernel did not boot (error %d)\n", -r);
        husk_plat_halt(HUSK_EXIT_PANIC);
    }
    if (BootInfo::has_word("boot_times=1")) {
        uint64_t now = rdtsc(), hz = Clock::tsc_hz() / 1000000;
        Console::print("husk: boot times: entry to platform main %lu us, to kernel ready %lu us\n",
                       (unsigned long)((Clock::boot_tsc() - husk_x86_entry_tsc) / hz),
                       (unsigned long)((now - husk_x86_entry_tsc) / hz));
    }
    int status = husk_image_main();
    husk_plat_halt(status);
}
