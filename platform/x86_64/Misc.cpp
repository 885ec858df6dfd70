// Version, command line, memory regions, entropy and halt on bare metal.
#include <husk/platform.h>
#include "Net.h"
#include "../../kernel/kstd/Errno.h"
#include "../../kernel/kstd/Format.h"
#include "BootInfo.h"
#include "BootTimes.h"
#include "Cpu.h"
#include "PhysicalMemory.h"
#include "Serial.h"

namespace {
constexpr uint16_t kDebugExitPort = 0x501; // -device isa-debug-exit,iobase=0x501

bool has_rdrand() { return husk::x86::cpuid(1).ecx & (1u << 30); }

bool rdrand(uint64_t* out)
{
    for (int tries = 0; tries < 10; ++tries) {
        unsigned char ok;
        asm volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

// Without RDRAND: TSC jitter through a 64-bit mixer (splitmix64). Weak, but
// it differs between boots; the kernel logs which source is in use.
uint64_t g_mix_state;
uint64_t jitter()
{
    uint64_t z = (g_mix_state += 0x9e3779b97f4a7c15ull ^ husk::x86::rdtsc());
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
} // namespace

extern "C" uint32_t husk_plat_version(void) { return HUSK_PLATFORM_VERSION; }
extern "C" const char* husk_plat_cmdline(void) { return husk::x86::BootInfo::cmdline(); }

extern "C" size_t husk_plat_mem_regions(husk_mem_region* out, size_t max)
{
    return husk::x86::PhysicalMemory::kernel_regions(out, max);
}

extern "C" int husk_plat_random(void* buf, size_t len)
{
    static const bool hardware = has_rdrand();
    auto* p = static_cast<unsigned char*>(buf);
    while (len) {
        uint64_t v;
        if (!hardware || !rdrand(&v))
            v = jitter();
        size_t n = len < 8 ? len : 8;
        __builtin_memcpy(p, &v, n);
        p += n;
        len -= n;
    }
    return 0;
}

extern "C" void husk_plat_halt(int status)
{
    using namespace husk::x86;
    cli();
    NetDevices::drain(500'000'000);
    print_halt_time();
    char line[24];
    size_t n = kstd::format(line, sizeof line, "husk-exit:%d\n", status & 0xff);
    Serial::write_status(line, n);
    // QEMU exits with (value << 1) | 1, 7 bits of the status (husk run reads
    // the whole status from COM2).
    outb(kDebugExitPort, uint8_t(status & 0xff));
    // No debug-exit device: a triple fault (QEMU with -no-reboot exits).
    struct [[gnu::packed]] {
        uint16_t limit;
        uint64_t base;
    } empty { 0, 0 };
    asm volatile("lidt %0; int3" ::"m"(empty));
    halt_forever();
}
