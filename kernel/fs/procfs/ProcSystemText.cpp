#include "ProcSystemText.h"
#include <husk/platform.h>
#include "../../abi/Linux.h"
#include "../../core/Heap.h"
#include "../../core/Scheduler.h"
#include "../../proc/Process.h"
#include "ProcText.h"

namespace husk::proc_system {

namespace {
constexpr uint64_t kNsPerTick = 1000000000 / linux::USER_HZ;

// What a platform that cannot identify its CPUs shows: a CPU, no more.
void generic(husk_cpu_info& info, unsigned cpu, unsigned cpus)
{
    __builtin_memset(&info, 0, sizeof info);
    __builtin_memcpy(info.vendor, "unknown", 8);
    info.core = info.apic_id = info.initial_apic_id = cpu;
    info.siblings = info.cores = cpus;
    info.clflush_bytes = info.cache_alignment = 64;
    info.physical_bits = 36, info.virtual_bits = 48;
    info.has_fpu = 1;
}

// One block of arch/x86/kernel/cpu/proc.c's show_cpuinfo, field for field.
void block(ProcText& out, unsigned cpu, const husk_cpu_info& c)
{
    out.add("processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
            "stepping\t: %u\n",
            cpu, c.vendor, c.family, c.model, c.model_name[0] ? c.model_name : "unknown", c.stepping);
    if (c.microcode)
        out.add("microcode\t: 0x%x\n", c.microcode);
    if (c.khz)
        out.add("cpu MHz\t\t: %u.%03u\n", c.khz / 1000, c.khz % 1000);
    if (c.cache_kib)
        out.add("cache size\t: %u KB\n", c.cache_kib);
    const char* fpu = c.has_fpu ? "yes" : "no";
    out.add("physical id\t: %u\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\n"
            "initial apicid\t: %u\nfpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\n",
            c.package, c.siblings, c.core, c.cores, c.apic_id, c.initial_apic_id, fpu, fpu, c.cpuid_level);
    out.add("flags\t\t:%s%s\nbugs\t\t:\nbogomips\t: %u.%02u\n", c.flags[0] ? " " : "", c.flags,
            c.bogomips_x100 / 100, c.bogomips_x100 % 100);
    if (c.tlb_4k_entries)
        out.add("TLB size\t: %u 4K pages\n", c.tlb_4k_entries);
    out.add("clflush size\t: %u\ncache_alignment\t: %u\naddress sizes\t: %u bits physical, %u bits virtual\n"
            "power management:%s%s\n\n",
            c.clflush_bytes, c.cache_alignment, c.physical_bits, c.virtual_bits, c.power_management[0] ? " " : "",
            c.power_management);
}
} // namespace

size_t cpuinfo(char* buf, size_t size)
{
    ProcText out(buf, size);
    auto* info = static_cast<husk_cpu_info*>(Heap::allocate(sizeof(husk_cpu_info)));
    if (!info)
        return 0;
    unsigned cpus = Scheduler::cpu_count();
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        if (husk_plat_cpu_info(cpu, info) != 0)
            generic(*info, cpu, cpus);
        block(out, cpu, *info);
    }
    Heap::free(info);
    return out.length();
}

size_t stat(char* buf, size_t size)
{
    ProcText out(buf, size);
    unsigned cpus = Scheduler::cpu_count();
    // user nice system idle iowait irq softirq steal guest guest_nice
    auto line = [&](const char* name, const Scheduler::CpuTimes& t) {
        uint64_t busy = t.total_ns > t.idle_ns ? t.total_ns - t.idle_ns : 0;
        uint64_t user = t.user_ns < busy ? t.user_ns : busy;
        out.add("%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name, (unsigned long long)(user / kNsPerTick),
                (unsigned long long)((busy - user) / kNsPerTick), (unsigned long long)(t.idle_ns / kNsPerTick));
    };
    Scheduler::CpuTimes all {};
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        auto t = Scheduler::cpu_times(cpu);
        all.total_ns += t.total_ns, all.idle_ns += t.idle_ns, all.user_ns += t.user_ns;
    }
    line("cpu ", all);
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        char name[8];
        kstd::format(name, sizeof name, "cpu%u", cpu);
        line(name, Scheduler::cpu_times(cpu));
    }
    size_t running = 0;
    Process::for_each([&](Process& p) {
        for (Thread& t : p.threads())
            if (t.state() == Thread::State::Running || t.state() == Thread::State::Ready)
                ++running;
    });
    uint64_t boot_wall = husk_plat_clock_wall() - Scheduler::cpu_times(0).total_ns;
    out.add("intr 0\nctxt %llu\nbtime %llu\nprocesses %u\nprocs_running %zu\nprocs_blocked 0\n"
            "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
            (unsigned long long)Scheduler::context_switches(), (unsigned long long)(boot_wall / 1000000000),
            Thread::ids_allocated(), running ? running : size_t(1));
    return out.length();
}

} // namespace husk::proc_system
