#include "Clock.h"
#include <husk/platform.h>
#include "BootInfo.h"
#include "Console.h"
#include "Cpu.h"

namespace husk::x86 {

namespace {
uint64_t g_hz;
uint64_t g_mult;      // ns = (ticks * g_mult) >> 32
uint64_t g_tsc_base;  // TSC at time zero of the monotonic clock
uint64_t g_wall_base; // wall ns at time zero
uint64_t g_boot_tsc;
const char* g_source = "none";

struct PvclockTime {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
};
alignas(64) PvclockTime g_pvclock;

struct PvclockWallClock {
    uint32_t version;
    uint32_t sec;
    uint32_t nsec;
};
alignas(64) PvclockWallClock g_wall_clock;
uint64_t g_kvm_wall_now; // wall ns at the moment from_kvm ran, 0 if unknown
uint64_t g_kvm_wall_tsc;

constexpr uint32_t kWallClockMsr = 0x4b564d00;

uint64_t from_kvm()
{
    auto sig = cpuid(0x40000000);
    if (sig.ebx != 0x4b4d564b || sig.ecx != 0x564b4d56 || sig.edx != 0x4d) // "KVMKVMKVM"
        return 0;
    if (!(cpuid(0x40000001).eax & (1u << 3))) // KVM_FEATURE_CLOCKSOURCE2
        return 0;
    constexpr uint32_t kSystemTimeMsr = 0x4b564d01;
    wrmsr(kSystemTimeMsr, virt_to_phys(&g_pvclock) | 1);
    uint32_t mul = __atomic_load_n(&g_pvclock.tsc_to_system_mul, __ATOMIC_ACQUIRE);
    int shift = g_pvclock.tsc_shift;
    if (!mul) {
        wrmsr(kSystemTimeMsr, 0);
        return 0;
    }
    // Wall time: the host's time at kvmclock zero, plus kvmclock now.
    wrmsr(kWallClockMsr, virt_to_phys(&g_wall_clock));
    uint64_t tsc = rdtsc();
    uint64_t delta = tsc - g_pvclock.tsc_timestamp;
    delta = shift >= 0 ? delta << shift : delta >> -shift;
    uint64_t system_ns = g_pvclock.system_time + uint64_t(((unsigned __int128)delta * mul) >> 32);
    if (g_wall_clock.sec) {
        g_kvm_wall_now = uint64_t(g_wall_clock.sec) * 1000000000ull + g_wall_clock.nsec + system_ns;
        g_kvm_wall_tsc = tsc;
    }
    wrmsr(kSystemTimeMsr, 0);
    // ns = ((ticks << shift) * mul) >> 32, so hz = 1e9 * 2^32 / mul >> shift.
    uint64_t hz = (1000000000ull << 32) / mul;
    return shift >= 0 ? hz >> shift : hz << -shift;
}

uint64_t from_cpuid()
{
    if (cpuid(0).eax < 0x15)
        return 0;
    auto r = cpuid(0x15);
    if (r.eax && r.ebx && r.ecx)
        return uint64_t(r.ecx) * r.ebx / r.eax;
    if (cpuid(0).eax >= 0x16) {
        uint32_t mhz = cpuid(0x16).eax & 0xffff;
        if (mhz)
            return uint64_t(mhz) * 1000000;
    }
    return 0;
}

// PIT channel 2, gated through port 0x61, counting 50 ms (the way Linux's
// pit_calibrate_tsc does it, with a longer window for noisy emulators).
uint64_t from_pit()
{
    uint8_t gate = inb(0x61);
    if (gate == 0xff)
        return 0; // no port 0x61: no PIT (microvm without pit=on)
    constexpr uint32_t kPitHz = 1193182;
    constexpr uint32_t kCount = kPitHz / 20; // 50 ms
    outb(0x61, (gate & ~0x02) | 0x01);        // gate on, speaker off
    outb(0x43, 0xb0);                         // channel 2, lobyte/hibyte, mode 0
    outb(0x42, kCount & 0xff);
    outb(0x42, kCount >> 8);
    uint64_t start = rdtsc();
    uint64_t spins = 0;
    while (!(inb(0x61) & 0x20)) {
        if (++spins > 100000000)
            return 0; // the output never rose: no working PIT
    }
    uint64_t ticks = rdtsc() - start;
    outb(0x61, gate);
    return spins < 10 ? 0 : ticks * 20;
}

uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

bool cmos_updating() { return cmos(0x0a) & 0x80; }

// Seconds since the epoch from the CMOS clock (BCD or binary, 24h assumed).
uint64_t rtc_seconds()
{
    // An update lasts under 2 ms; wait at most 3 ms (by the TSC: port
    // accesses are slow under some hypervisors, so no spin counts).
    uint64_t limit = rdtsc() + g_hz / 333;
    while (cmos_updating() && rdtsc() < limit)
        asm volatile("pause");
    uint8_t sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
    uint8_t day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09), century = cmos(0x32);
    if (!(cmos(0x0b) & 0x04)) { // BCD
        auto bin = [](uint8_t v) { return uint8_t((v & 0x0f) + (v >> 4) * 10); };
        sec = bin(sec), min = bin(min), hour = bin(hour & 0x7f), day = bin(day), mon = bin(mon);
        year = bin(year), century = bin(century);
    }
    if (sec == 0xff || mon == 0 || mon > 12 || day == 0)
        return 0; // no RTC
    unsigned y = (century >= 19 && century <= 30 ? century : 20) * 100 + year;
    // Days since 1970-01-01 (civil-from-days inverse, Howard Hinnant's).
    int yy = int(y) - (mon <= 2);
    int era = yy / 400;
    unsigned yoe = unsigned(yy - era * 400);
    unsigned doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = int64_t(era) * 146097 + int64_t(doe) - 719468;
    return uint64_t(days) * 86400 + hour * 3600u + min * 60u + sec;
}

uint64_t from_rtc()
{
    uint8_t first = cmos(0x00);
    if (first == 0xff)
        return 0;
    // Wait for the seconds register to change twice: one whole second.
    uint64_t limit = rdtsc() + (1ull << 36);
    while (cmos(0x00) == first)
        if (rdtsc() > limit)
            return 0;
    uint64_t start = rdtsc();
    uint8_t second = cmos(0x00);
    while (cmos(0x00) == second)
        if (rdtsc() > limit)
            return 0;
    return rdtsc() - start;
}
} // namespace

void Clock::record_boot_tsc() { g_boot_tsc = rdtsc(); }
uint64_t Clock::boot_tsc() { return g_boot_tsc; }

bool Clock::init()
{
    if ((g_hz = from_kvm()))
        g_source = "kvmclock";
    else if ((g_hz = from_cpuid()))
        g_source = "cpuid";
    else if ((g_hz = BootInfo::number("tsc_khz", 0) * 1000))
        g_source = "command line";
    else if ((g_hz = from_pit()))
        g_source = "PIT";
    else if ((g_hz = from_rtc())) {
        g_source = "CMOS RTC";
        Console::print("husk: calibrated the TSC against the CMOS clock (1 s); pass tsc_khz= to boot faster\n");
    }
    if (!g_hz) {
        Console::print("husk: cannot determine the TSC frequency (no kvmclock, CPUID 0x15, tsc_khz=, PIT or RTC)\n");
        return false;
    }
    g_mult = (1000000000ull << 32) / g_hz; // fits: 1e9 * 2^32 < 2^64
    g_tsc_base = g_boot_tsc ? g_boot_tsc : rdtsc();
    if (g_kvm_wall_now) {
        uint64_t since = uint64_t(((unsigned __int128)(g_kvm_wall_tsc - g_tsc_base) * g_mult) >> 32);
        g_wall_base = g_kvm_wall_now - since;
    } else {
        g_wall_base = rtc_seconds() * 1000000000ull;
        if (!g_wall_base)
            Console::print("husk: no CMOS clock: the wall clock starts at 1970\n");
    }
    return true;
}

uint64_t Clock::monotonic_ns()
{
    uint64_t ticks = rdtsc() - g_tsc_base;
    return uint64_t(((unsigned __int128)ticks * g_mult) >> 32);
}

uint64_t Clock::wall_ns() { return g_wall_base + monotonic_ns(); }
uint64_t Clock::tsc_hz() { return g_hz; }
husk_user_clock Clock::user_clock() { return { g_tsc_base, g_mult, g_wall_base, 32, g_hz != 0 }; }
const char* Clock::source() { return g_source; }

} // namespace husk::x86

extern "C" uint64_t husk_plat_clock_monotonic(void) { return husk::x86::Clock::monotonic_ns(); }
extern "C" uint64_t husk_plat_clock_wall(void) { return husk::x86::Clock::wall_ns(); }
