// Kernel RAM for the hosted kernel: one anonymous mapping, reserved lazily
// (MAP_NORESERVE), so a large "mem=" costs only what is touched.
#include <husk/platform.h>
#include <sys/mman.h>
#include "HostedPlatform.h"

extern "C" size_t husk_plat_mem_regions(husk_mem_region* out, size_t max)
{
    static void* base;
    size_t size = husk::hosted::settings().memory_bytes;
    if (!base) {
        base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) {
            base = nullptr;
            return 0;
        }
    }
    if (max >= 1)
        out[0] = { reinterpret_cast<uintptr_t>(base), size };
    return 1;
}
