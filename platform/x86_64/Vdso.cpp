// The vDSO the kernel maps into programs: its image (VdsoImage.S) and the
// TSC parameters of the platform's clock (Clock), so that a program reads
// the same time in user mode as the kernel would give it.
#include <husk/platform.h>
#include "Clock.h"
#include "PerCpu.h"

extern "C" const char husk_x86_vdso_start[];
extern "C" const char husk_x86_vdso_end[];

extern "C" int husk_plat_vdso(husk_vdso* out)
{
    out->image = husk_x86_vdso_start;
    out->size = size_t(husk_x86_vdso_end - husk_x86_vdso_start);
    out->clock = husk::x86::Clock::user_clock();
    out->getcpu = husk::x86::has_rdtscp() ? HUSK_VDSO_GETCPU_RDTSCP : 0;
    return 0;
}
