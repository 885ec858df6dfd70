// Host clocks.
#include <husk/platform.h>
#include <errno.h>
#include <time.h>

namespace {
uint64_t read_clock(clockid_t id)
{
    timespec ts;
    clock_gettime(id, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}
} // namespace

extern "C" uint64_t husk_plat_clock_monotonic(void) { return read_clock(CLOCK_MONOTONIC); }
extern "C" uint64_t husk_plat_clock_wall(void) { return read_clock(CLOCK_REALTIME); }

// Hosted, clients are host threads: they read the host's own vDSO.
extern "C" int husk_plat_vdso(husk_vdso*) { return -ENOSYS; }
