// Files the image carries: an application baked into the image (`husk
// bake` links it between husk_baked_file_start and _end), then the PVH
// loader's modules (`husk run` passes a plain ELF that way, as -initrd).
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "BootInfo.h"
#include "Cpu.h"

extern "C" {
extern const char husk_baked_file_start[] __attribute__((weak));
extern const char husk_baked_file_end[] __attribute__((weak));
}

extern "C" int husk_plat_boot_file(unsigned index, const void** data, size_t* size, const char** name)
{
    using namespace husk::x86;
    const char *start = husk_baked_file_start, *end = husk_baked_file_end;
    bool baked = start && end > start;
    if (baked && index == 0) {
        *data = start;
        *size = size_t(end - start);
        *name = "baked";
        return 0;
    }
    size_t module = index - (baked ? 1 : 0);
    if (module >= BootInfo::module_count())
        return -kstd::ENOENT;
    const BootModule& m = BootInfo::module(module);
    *data = phys_to_virt(m.phys);
    *size = size_t(m.size);
    *name = "module";
    return 0;
}
