// libFuzzer target: the ELF loader's check of a program (ElfImage::parse)
// and the symbol lookup of its fault reports (symbolize), on hostile files.
// Must never crash, hang or trip a sanitizer, and an accepted image must
// keep the promises ProgramLoader relies on (checked here).
//   elf_fuzz -max_total_time=60 CORPUS_DIR
// The hosted platform has no user address spaces, so the loader's mapping
// itself is not run; its inputs (segments, entry, headers) are checked.
#include <husk/husk.h>
#include <husk/platform.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "core/Log.h"
#include "exec/ElfImage.h"

namespace {

void boot()
{
    if (husk_init("mem=64 loglevel=error") != 0)
        std::abort();
    // Quiet: every refused input would log why (below Error prints nothing).
    husk::Log::set_console_level(static_cast<husk::LogLevel>(0));
}

void expect(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "elf_fuzz: accepted image breaks a promise: %s\n", what);
        std::abort();
    }
}

// What ProgramLoader::load assumes of a checked image.
void check_promises(const husk::ElfImage& image, size_t size)
{
    expect(!image.segments().is_empty(), "no segment");
    bool entry_in_exec = false;
    for (const auto& s : image.segments()) {
        expect(s.filesz <= s.memsz, "filesz > memsz");
        expect(s.offset <= size && s.filesz <= size - s.offset, "segment bytes outside the file");
        expect(s.vaddr + s.memsz >= s.vaddr && s.vaddr + s.memsz <= (1ull << 46), "segment outside the address space");
        expect(image.lowest() <= s.vaddr && s.vaddr + s.memsz <= image.highest(), "lowest/highest do not cover it");
        entry_in_exec |= image.entry() >= s.vaddr && image.entry() - s.vaddr < s.memsz && (s.prot & HUSK_PROT_EXEC);
    }
    expect(entry_in_exec, "entry point not in an executable segment");
    expect(image.phnum() > 0 && image.phent() == 56, "program header count/size");
    // The interpreter's name (PT_INTERP) lies inside the file.
    auto* name = reinterpret_cast<const uint8_t*>(image.interpreter().data());
    expect(image.interpreter().is_empty()
               || (name >= image.data() && name + image.interpreter().length() < image.data() + size),
           "interpreter name outside the file");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static bool booted = (boot(), true);
    (void)booted;
    // An exact-size heap copy, so reads past the end are caught.
    auto* copy = static_cast<uint8_t*>(std::malloc(size ? size : 1));
    std::memcpy(copy, data, size);
    auto parsed = husk::ElfImage::parse(copy, size, "fuzz");
    if (!parsed.is_error()) {
        const husk::ElfImage& image = parsed.value();
        check_promises(image, size);
        char where[128];
        uint64_t probes[] = { image.entry(), image.lowest(), image.highest() - 1, image.entry() + 17 };
        for (uint64_t vaddr : probes)
            if (image.symbolize(vaddr, where, sizeof where))
                expect(std::memchr(where, 0, sizeof where) != nullptr, "symbolize left no terminator");
    } else {
        expect(parsed.error().code() == 8 /* ENOEXEC */ || parsed.error().code() == 12 /* ENOMEM */,
               "parse failed with an error other than ENOEXEC or ENOMEM");
    }
    std::free(copy);
    return 0;
}
