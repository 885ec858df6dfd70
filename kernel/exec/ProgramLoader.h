// Puts a checked ELF image into an empty address space and builds the
// initial stack exactly as Linux does (argc, argv, envp, auxiliary vector,
// the strings and AT_RANDOM bytes above them), so any libc starts.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"
#include "../kstd/StringView.h"
#include "../kstd/Vector.h"
#include "ElfImage.h"

namespace husk {

class AddressSpace;

struct ProgramArgs {
    kstd::Vector<kstd::StringView> argv;
    kstd::Vector<kstd::StringView> envp;
    kstd::StringView execfn; // AT_EXECFN: the path the program was started as
};

struct LoadedProgram {
    uint64_t entry;
    uint64_t stack_pointer;
    uint64_t load_bias; // 0 for ET_EXEC; where a static PIE was placed
};

class ProgramLoader {
public:
    // The main thread's stack: this much below the top of the user range.
    static constexpr size_t kStackSize = 8u << 20;
    // Where static PIEs go (Linux's ELF_ET_DYN_BASE).
    static constexpr uint64_t kPieBase = HUSK_ARCH_PIE_BASE;

    static kstd::ErrorOr<LoadedProgram> load(AddressSpace& as, const ElfImage& image, const ProgramArgs& args);

private:
    static kstd::ErrorOr<uint64_t> build_stack(AddressSpace& as, const ElfImage& image, uint64_t bias,
                                               const ProgramArgs& args);
};

} // namespace husk
