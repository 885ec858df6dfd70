// What a process runs, as far as proc needs to know: a reference-counted
// object the program loader fills (kernel/exec/ProgramImage), kept while a
// process (or a fork of it) runs the program, so a fault report can name
// the function at an address. proc itself knows no executable format.
#pragma once

#include "../kstd/Memory.h"
#include "../kstd/RefPtr.h"

namespace husk {

class ProcessImage : public kstd::RefCounted<ProcessImage>, public kstd::HeapObject {
public:
    virtual ~ProcessImage() = default;
    // "name+0x1c" for an address of the program's as loaded; false if unknown.
    virtual bool symbolize(uint64_t address, char* out, size_t len) const
    {
        (void)address, (void)out, (void)len;
        return false;
    }
};

} // namespace husk
