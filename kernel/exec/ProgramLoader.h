// Puts a checked ELF image (and the interpreter it names, if dynamic) into
// an empty address space and builds the initial stack exactly as Linux does
// (argc, argv, envp, auxiliary vector, the strings and AT_RANDOM bytes
// above them), so any libc and any dynamic linker starts.
#pragma once

#include <husk/platform.h>
#include "../kstd/ErrorOr.h"
#include "../kstd/RefPtr.h"
#include "../mm/SharedMemory.h"
#include "../kstd/StringView.h"
#include "../kstd/Vector.h"
#include "ElfImage.h"

namespace husk {

class AddressSpace;
struct RegionName;

// The files the segments come from: as /proc/PID/maps names them, and
// their pages (a file's page cache, Vnode::shared_pages), which the
// segments map copy-on-write as mmap's MAP_PRIVATE does. Any may be null:
// unnamed, and copied from the image into private memory.
struct ProgramNames {
    kstd::RefPtr<RegionName> program, interpreter;
    kstd::RefPtr<SharedMemory> program_pages, interpreter_pages;
};

struct ProgramArgs {
    kstd::Vector<kstd::StringView> argv;
    kstd::Vector<kstd::StringView> envp;
    kstd::StringView execfn; // AT_EXECFN: the path the program was started as
};

struct LoadedProgram {
    uint64_t entry;
    uint64_t stack_pointer;
    uint64_t load_bias; // 0 for ET_EXEC; where a PIE was placed
    uint64_t interpreter_base; // AT_BASE: where the interpreter was placed, 0 if none
    uint64_t vdso { 0 };       // AT_SYSINFO_EHDR: where the vDSO is, 0 if none
};

class ProgramLoader {
public:
    // The main thread's stack: this much below the top of the user range.
    static constexpr size_t kStackSize = 8u << 20;
    // Linux's limits on what execve copies (fs/exec.c): one string at most
    // MAX_ARG_STRLEN bytes with its NUL; all of them (execfn, argv, envp)
    // with a pointer for each argument and variable (argc at least 1) at
    // most a quarter of the stack's limit (RLIMIT_STACK, 8 MiB here).
    static constexpr size_t kMaxArgString = 32 * 4096;
    static constexpr size_t kMaxArgTotal = kStackSize / 4;
    // E2BIG when args exceed them.
    static kstd::ErrorOr<void> check_limits(const ProgramArgs& args);
    // Where PIEs go (Linux's ELF_ET_DYN_BASE).
    static constexpr uint64_t kPieBase = HUSK_ARCH_PIE_BASE;

    // `interpreter`, when the image names one, is the dynamic linker's
    // image: it goes where mmap would put it (below the stack, as Linux
    // does), and the program starts at its entry point.
    static kstd::ErrorOr<LoadedProgram> load(AddressSpace& as, const ElfImage& image, const ElfImage* interpreter,
                                             const ProgramArgs& args, const ProgramNames& names = {});

private:
    static kstd::ErrorOr<void> map_segments(AddressSpace& as, const ElfImage& image, uint64_t bias,
                                            const kstd::RefPtr<RegionName>& name,
                                            const kstd::RefPtr<SharedMemory>& pages);
    static kstd::ErrorOr<uint64_t> build_stack(AddressSpace& as, const ElfImage& image, const LoadedProgram& at,
                                               const ProgramArgs& args);
};

} // namespace husk
