#include "Smp.h"
#include <husk/platform.h>
#include "Clock.h"
#include "Console.h"
#include "Cpu.h"
#include "FwCfg.h"
#include "Gdt.h"
#include "Idt.h"
#include "Lapic.h"
#include "Paging.h"
#include "PerCpu.h"
#include "PhysicalMemory.h"
#include "Preemption.h"
#include "UserRun.h"
#include "../common/X86CpuIdentity.h"

extern "C" {
extern char husk_x86_ap_trampoline[], husk_x86_ap_trampoline_end[], husk_x86_boot_pml4[];
extern uint64_t husk_x86_ap_cr3, husk_x86_ap_kernel_cr3, husk_x86_ap_stack, husk_x86_ap_entry;
void husk_x86_ap_enter();
[[noreturn]] void husk_x86_ap_main();
}

namespace husk::x86 {

namespace {
constexpr uint64_t kTrampolinePhys = 0x8000; // aptrampoline.S's BASE
constexpr uint16_t kFwCfgCpuCount = 0x05;    // FW_CFG_NB_CPUS
constexpr size_t kStackPages = 16, kFaultStackPages = 4, kNmiStackPages = 2;
constexpr uint64_t kStartTimeoutNs = 200000000;

PerCpu g_cpus[kMaxCpus];
unsigned g_count = 1;
unsigned g_starting;                  // the CPU the trampoline is bringing up
uint32_t g_apic_id[Gdt::kMaxCpus];    // by CPU index
uint64_t g_fault_stack[Gdt::kMaxCpus], g_nmi_stack[Gdt::kMaxCpus];
void (*g_entry)(unsigned);            // set by start(); parked CPUs poll it

// Where the trampoline's parameter block lands in its low copy.
template <typename T> T* in_copy(uint8_t* copy, T* symbol)
{
    return reinterpret_cast<T*>(copy + (reinterpret_cast<char*>(symbol) - husk_x86_ap_trampoline));
}

uint8_t* trampoline_page()
{
    void* v = phys_to_virt(kTrampolinePhys);
    if (Paging::translate(reinterpret_cast<uintptr_t>(v)))
        return static_cast<uint8_t*>(v);
    return static_cast<uint8_t*>(Paging::map_mmio(kTrampolinePhys, kPage));
}

void on_kick(void*) {}

// The shootdown in progress (one at a time: only the big lock's holder
// changes mappings).
uint64_t g_flush_root;
bool g_flush_drop;

// Needs no lock: the CPU acts on its own TLB and acknowledges.
void on_flush(void*)
{
    PerCpu& c = this_cpu();
    uint64_t root = __atomic_load_n(&g_flush_root, __ATOMIC_ACQUIRE);
    if (c.active_root == root) {
        if (g_flush_drop) {
            c.active_root = 0; // its tables are about to be freed
            write_cr3(Paging::kernel_root());
        } else {
            write_cr3(root); // drops every non-global entry
        }
    }
    __atomic_store_n(&c.flush_pending, 0, __ATOMIC_RELEASE);
}

// Brings up CPU `cpu`: true once it reported in.
bool start_one(uint8_t* copy, unsigned cpu)
{
    uint64_t stack = PhysicalMemory::take_contiguous(kStackPages + kFaultStackPages + kNmiStackPages);
    if (!stack)
        return false;
    auto top = [&](size_t pages) { return reinterpret_cast<uint64_t>(phys_to_virt(stack)) + pages * kPage; };
    g_fault_stack[cpu] = top(kFaultStackPages);
    g_nmi_stack[cpu] = top(kFaultStackPages + kNmiStackPages);
    *in_copy(copy, &husk_x86_ap_stack) = top(kFaultStackPages + kNmiStackPages + kStackPages);
    __atomic_store_n(&g_starting, cpu, __ATOMIC_RELEASE);
    // QEMU numbers APIC ids as CPU indexes with a flat -smp N topology.
    // INIT, then STARTUP (again if the first was lost, as the MP spec says).
    Lapic::send_init(cpu);
    for (int attempt = 0; attempt < 2; ++attempt) {
        Lapic::send_startup(cpu, uint8_t(kTrampolinePhys >> 12));
        uint64_t start = Clock::monotonic_ns();
        while (Clock::monotonic_ns() - start < kStartTimeoutNs / 2) {
            if (__atomic_load_n(&g_count, __ATOMIC_ACQUIRE) > cpu)
                return true;
            asm volatile("pause");
        }
    }
    return false;
}
} // namespace

PerCpu& cpu_data(unsigned index) { return g_cpus[index]; }

void install_cpu_data(unsigned index)
{
    PerCpu& c = g_cpus[index];
    c.self = &c;
    c.index = index;
    wrmsr(0xc0000101, reinterpret_cast<uint64_t>(&c)); // GS_BASE
    wrmsr(0xc0000102, 0);                              // KERNEL_GS_BASE: the application's
    // The vDSO's getcpu reads the CPU's number with RDTSCP, as Linux's
    // does: TSC_AUX holds it (node 0 in the bits above 12).
    if (has_rdtscp())
        wrmsr(0xc0000103, index); // TSC_AUX
}

bool has_rdtscp()
{
    return cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 27));
}

void Smp::init()
{
    uint16_t cpus = 1;
    if (!FwCfg::read_item(kFwCfgCpuCount, &cpus, sizeof cpus) || cpus <= 1)
        return;
    if (cpus > Gdt::kMaxCpus)
        cpus = Gdt::kMaxCpus;
    g_apic_id[0] = Lapic::id();
    Idt::set_handler(kKickVector, on_kick, nullptr);
    Idt::set_handler(kFlushVector, on_flush, nullptr);
    uint8_t* copy = trampoline_page();
    if (!copy)
        return;
    size_t size = size_t(husk_x86_ap_trampoline_end - husk_x86_ap_trampoline);
    __builtin_memcpy(copy, husk_x86_ap_trampoline, size);
    *in_copy(copy, &husk_x86_ap_cr3) = virt_to_phys(husk_x86_boot_pml4);
    *in_copy(copy, &husk_x86_ap_kernel_cr3) = Paging::kernel_root();
    *in_copy(copy, &husk_x86_ap_entry) = reinterpret_cast<uint64_t>(husk_x86_ap_enter);
    for (unsigned cpu = 1; cpu < cpus; ++cpu) {
        if (!start_one(copy, cpu)) {
            Console::print("husk: CPU %u did not start\n", cpu);
            break;
        }
    }
    Console::print("husk: %u CPUs\n", g_count);
}

unsigned Smp::count() { return __atomic_load_n(&g_count, __ATOMIC_ACQUIRE); }

unsigned Smp::id() { return this_cpu().index; }

void Smp::kick(unsigned cpu)
{
    if (cpu >= count())
        return;
    __atomic_store_n(&g_cpus[cpu].kicked, 1, __ATOMIC_RELEASE);
    Lapic::send_ipi(g_apic_id[cpu], kKickVector);
}

void Smp::shootdown(uint64_t root, bool drop)
{
    unsigned n = count();
    if (n == 1)
        return;
    unsigned me = id();
    __atomic_store_n(&g_flush_drop, drop, __ATOMIC_RELAXED);
    __atomic_store_n(&g_flush_root, root, __ATOMIC_RELEASE);
    bool sent[kMaxCpus] = {};
    for (unsigned i = 0; i < n; ++i) {
        if (i == me || __atomic_load_n(&g_cpus[i].active_root, __ATOMIC_ACQUIRE) != root)
            continue;
        __atomic_store_n(&g_cpus[i].flush_pending, 1, __ATOMIC_RELEASE);
        Lapic::send_ipi(g_apic_id[i], kFlushVector);
        sent[i] = true;
    }
    for (unsigned i = 0; i < n; ++i)
        while (sent[i] && __atomic_load_n(&g_cpus[i].flush_pending, __ATOMIC_ACQUIRE))
            asm volatile("pause");
}

void Smp::start(void (*entry)(unsigned cpu))
{
    __atomic_store_n(&g_entry, entry, __ATOMIC_RELEASE);
    for (unsigned cpu = 1; cpu < count(); ++cpu)
        kick(cpu);
}

} // namespace husk::x86

// An application processor, on its own stack and the kernel's page tables.
extern "C" [[noreturn]] void husk_x86_ap_main()
{
    using namespace husk::x86;
    unsigned cpu = __atomic_load_n(&g_starting, __ATOMIC_ACQUIRE);
    uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 7)) : "memory"); // global pages, as the boot CPU
    install_cpu_data(cpu);
    Gdt::init_cpu(cpu, g_fault_stack[cpu], g_nmi_stack[cpu]);
    Idt::load();
    Lapic::init_ap();
    UserRun::init();
    g_apic_id[cpu] = Lapic::id();
    __atomic_store_n(&g_count, cpu + 1, __ATOMIC_RELEASE);
    // Parked: halted until a kick, until the kernel hands over an entry.
    for (;;) {
        cli();
        if (auto entry = __atomic_load_n(&g_entry, __ATOMIC_ACQUIRE)) {
            sti();
            // Slices are timed from the start: a CPU that finds threads to
            // run before it first halts would otherwise never be preempted.
            Lapic::wait_for_calibration();
            Preemption::restart_slice();
            entry(cpu);
            halt_forever();
        }
        sti_hlt();
    }
}

extern "C" unsigned husk_plat_cpu_count(void) { return husk::x86::Smp::count(); }
extern "C" unsigned husk_plat_cpu_id(void) { return husk::x86::Smp::id(); }
extern "C" int husk_plat_cpu_start(void (*entry)(unsigned cpu))
{
    husk::x86::Smp::start(entry);
    return 0;
}
extern "C" void husk_plat_cpu_kick(unsigned cpu) { husk::x86::Smp::kick(cpu); }
extern "C" void husk_plat_cpu_relax(void) { __builtin_ia32_pause(); }

// CPUID on this CPU (QEMU gives every vCPU the same model), with the
// asked CPU's own APIC id; the clock is the TSC's.
extern "C" int husk_plat_cpu_info(unsigned cpu, husk_cpu_info* info)
{
    using namespace husk::x86;
    unsigned n = Smp::count();
    if (cpu >= n)
        return -22; // EINVAL
    cpu_identity(*info, cpu, n, Clock::tsc_hz() / 1000);
    info->apic_id = info->initial_apic_id = g_apic_id[cpu];
    return 0;
}
