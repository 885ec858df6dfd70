#include "Vdso.h"
#include <husk/platform.h>
#include "../core/Heap.h"
#include "../mm/AddressSpace.h"

namespace husk {

// The data page is written into each program's own copy when it starts:
// the clock parameters never change after boot (no clock_settime yet).
// Once they can, the page must be one shared page the kernel updates
// (seq odd while it does), mapped into every space.
ErrorOr<uint64_t> Vdso::map(AddressSpace& as)
{
    husk_vdso vdso;
    if (husk_plat_vdso(&vdso) != 0 || !vdso.image || vdso.size == 0)
        return 0;
    constexpr size_t kPage = AddressSpace::kPage;
    size_t image = (vdso.size + kPage - 1) & ~(kPage - 1);
    // Two regions, as Linux's [vvar] and [vdso] (/proc/PID/maps).
    AddressSpace::Backing vvar_name, vdso_name;
    vvar_name.name = RegionName::make("[vvar]");
    vdso_name.name = RegionName::make("[vdso]");
    uint64_t base = TRY(as.find_free(kPage + image));
    TRY(as.map_fixed(base, kPage, HUSK_PROT_READ, kstd::move(vvar_name)));
    // Mapped read and execute at once: the kernel's write below ignores the
    // region's rights, and an mprotect afterwards would cost a page walk.
    TRY(as.map_fixed(base + kPage, image, HUSK_PROT_READ | HUSK_PROT_EXEC, kstd::move(vdso_name)));
    husk_vvar vvar {};
    vvar.clock = vdso.clock;
    vvar.getcpu = vdso.getcpu;
    TRY(as.write(base, &vvar, sizeof vvar));
    TRY(as.write(base + kPage, vdso.image, vdso.size));
    return base + kPage;
}

} // namespace husk
