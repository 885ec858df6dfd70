// husk_x86_main: from boot.S to the image's program. Brings up the CPU
// tables, memory, clock, interrupt controllers and devices, boots the
// portable kernel, runs husk_image_main (the boot test, or the loader of an
// application) and halts with its status.
#include <husk/platform.h>
#include "BootInfo.h"
#include "BootTimes.h"
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "Devices.h"
#include "Gdt.h"
#include "Idt.h"
#include "IoApic.h"
#include "Lapic.h"
#include "Paging.h"
#include "PerCpu.h"
#include "PhysicalMemory.h"
#include "Preemption.h"
#include "Serial.h"
#include "Smp.h"
#include "UserRun.h"

extern "C" uint64_t husk_x86_entry_tsc; // written by boot.S at the first instruction
// The program of this image (provided by what is linked with the platform).
extern "C" int husk_image_main(void);

namespace {
[[noreturn]] void fail(const char* what)
{
    husk::x86::Console::print("husk: boot failed: %s\n", what);
    husk_plat_halt(HUSK_EXIT_PANIC);
}

// TSC stamps of the boot steps, printed with boot_times=1.
struct Step {
    const char* name;
    uint64_t tsc;
};
Step g_steps[8];
unsigned g_step_count;

void step_done(const char* name)
{
    if (g_step_count < sizeof g_steps / sizeof g_steps[0])
        g_steps[g_step_count++] = { name, husk::x86::rdtsc() };
}

bool g_boot_times;

void print_boot_times()
{
    using namespace husk::x86;
    uint64_t per_us = Clock::tsc_hz() / 1000000, last = Clock::boot_tsc();
    Console::print("husk: boot times: entry to platform main %lu us, to kernel ready %lu us (",
                   (unsigned long)((Clock::boot_tsc() - husk_x86_entry_tsc) / per_us),
                   (unsigned long)((g_steps[g_step_count - 1].tsc - husk_x86_entry_tsc) / per_us));
    for (unsigned i = 0; i < g_step_count; ++i) {
        Console::print("%s%s %lu", i ? ", " : "", g_steps[i].name, (unsigned long)((g_steps[i].tsc - last) / per_us));
        last = g_steps[i].tsc;
    }
    Console::print(")\n");
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

// With boot_times=1: how long the guest ran, so that a host that notes when
// the exit status arrives can place the guest's entry on its own clock.
void husk::x86::print_halt_time()
{
    if (g_boot_times)
        Console::print("husk: boot times: entry to halt %lu us\n",
                       (unsigned long)((rdtsc() - husk_x86_entry_tsc) / (Clock::tsc_hz() / 1000000)));
}

extern "C" [[noreturn]] void husk_x86_main(uint64_t start_info)
{
    using namespace husk::x86;
    Clock::record_boot_tsc();
    Serial::init();
    // The banner: boot.S wrote its '[' on the log port, lost when there is none.
    Serial::write_log(Serial::has_log_port() ? "husk]\n" : "[husk]\n");
    install_cpu_data(0);
    Gdt::init();
    Idt::init();
    run_constructors();
    if (!BootInfo::parse(start_info))
        fail("unusable PVH start_info");
    if (!PhysicalMemory::init() || !Paging::init())
        fail("not enough memory for page tables");
    step_done("memory");
    if (!Clock::init())
        fail("no clock");
    step_done("clock");
    if (!Lapic::init())
        fail("no local APIC timer");
    IoApic::init();
    Preemption::init();
    UserRun::init();
    Smp::init(); // stacks from early frames: before seal
    step_done("interrupts");
    Devices::probe(); // device rings come from early frames
    PhysicalMemory::seal();
    step_done("devices");
    sti();

    int r = husk_kernel_boot();
    if (r < 0) {
        Console::print("husk: the kernel did not boot (error %d)\n", -r);
        husk_plat_halt(HUSK_EXIT_PANIC);
    }
    step_done("kernel");
    Preemption::restart_slice(); // the first tick: completes the timer's calibration
    step_done("timer");
    g_boot_times = BootInfo::has_word("boot_times=1");
    if (g_boot_times)
        print_boot_times();
    int status = husk_image_main();
    husk_plat_halt(status);
}
