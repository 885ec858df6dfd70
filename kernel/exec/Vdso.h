// The vDSO every program gets (Linux's): the platform's small shared
// object with the clock calls, mapped where mmap would put it, with the
// data page it reads the clock parameters from (struct husk_vvar) right
// below it. libc finds it through AT_SYSINFO_EHDR.
#pragma once

#include "../kstd/ErrorOr.h"

namespace husk {

class AddressSpace;

class Vdso {
public:
    // Maps the data page and the vDSO into `as`; returns the vDSO's
    // address, or 0 when the platform has none (ENOMEM).
    static kstd::ErrorOr<uint64_t> map(AddressSpace& as);
};

} // namespace husk
