#include "Uptime.h"
#include <husk/platform.h>

namespace husk {

namespace {
uint64_t g_boot_ns;
}

void Uptime::mark_boot() { g_boot_ns = husk_plat_clock_monotonic(); }
uint64_t Uptime::ns() { return husk_plat_clock_monotonic() - g_boot_ns; }

} // namespace husk
