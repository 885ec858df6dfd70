// Applications run only on platforms that own a CPU (bare metal): the hosted
// kernel serves local and remote clients instead, so these calls say no.
#include <husk/platform.h>
#include <cerrno>

extern "C" int husk_plat_boot_file(unsigned, const void**, size_t*, const char**) { return -ENOENT; }
extern "C" void husk_plat_user_range(uintptr_t* lo, uintptr_t* hi) { *lo = *hi = 0; }
extern "C" husk_aspace_t* husk_plat_aspace_create(void) { return nullptr; }
extern "C" void husk_plat_aspace_destroy(husk_aspace_t*) {}
extern "C" void husk_plat_aspace_activate(husk_aspace_t*) {}
extern "C" int husk_plat_aspace_map(husk_aspace_t*, uintptr_t, void*, unsigned) { return -ENOSYS; }
extern "C" int husk_plat_aspace_protect(husk_aspace_t*, uintptr_t, unsigned) { return -ENOSYS; }
extern "C" void husk_plat_aspace_unmap(husk_aspace_t*, uintptr_t, uintptr_t) {}
extern "C" void husk_plat_aspace_write_protect(husk_aspace_t*, const husk_range*, size_t) {}
extern "C" int husk_plat_user_run(husk_user_regs*, husk_trap*) { return -ENOSYS; }
extern "C" int husk_plat_user_fpu_save(void*, size_t) { return -ENOSYS; }
extern "C" int husk_plat_user_fpu_restore(const void*, size_t) { return -ENOSYS; }
