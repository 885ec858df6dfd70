// Files the image carries: an application baked into the image (`husk
// bake` links it between husk_baked_file_start and _end) and a root file
// tree ("rootfs", husk_baked_rootfs_start and _end), then the PVH loader's
// modules (`husk run` passes a plain ELF that way, as -initrd).
#include <husk/platform.h>
#include "../../kernel/kstd/Errno.h"
#include "BootInfo.h"
#include "Cpu.h"

extern "C" {
extern const char husk_baked_file_start[] __attribute__((weak));
extern const char husk_baked_file_end[] __attribute__((weak));
extern const char husk_baked_rootfs_start[] __attribute__((weak));
extern const char husk_baked_rootfs_end[] __attribute__((weak));
}

extern "C" int husk_plat_boot_file(unsigned index, const void** data, size_t* size, const char** name)
{
    using namespace husk::x86;
    struct Baked {
        const char *start, *end, *name;
    };
    const Baked baked[] = { { husk_baked_file_start, husk_baked_file_end, "baked" },
                            { husk_baked_rootfs_start, husk_baked_rootfs_end, "rootfs" } };
    unsigned present = 0;
    for (const Baked& b : baked) {
        if (!b.start || b.end <= b.start)
            continue;
        if (index == present) {
            *data = b.start;
            *size = size_t(b.end - b.start);
            *name = b.name;
            return 0;
        }
        ++present;
    }
    size_t module = index - present;
    if (module >= BootInfo::module_count())
        return -kstd::ENOENT;
    const BootModule& m = BootInfo::module(module);
    *data = phys_to_virt(m.phys);
    *size = size_t(m.size);
    *name = "module";
    return 0;
}
