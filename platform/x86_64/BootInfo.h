// What the PVH loader told us (struct hvm_start_info): RAM map, command
// line, modules. Copied into the image's own memory at entry, so nothing
// the loader placed in RAM needs to stay reserved except the modules.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace husk::x86 {

struct PhysRange {
    uint64_t base;
    uint64_t size;
    uint64_t end() const { return base + size; }
};

struct BootModule {
    uint64_t phys;
    uint64_t size;
};

class BootInfo {
public:
    static constexpr size_t kMaxRam = 32;
    static constexpr size_t kMaxModules = 8;

    // Returns false (after printing why) if start_info is unusable.
    static bool parse(uint64_t start_info_phys);

    static const char* cmdline() { return s_cmdline; }
    static size_t ram_count() { return s_ram_count; }
    static const PhysRange& ram(size_t i) { return s_ram[i]; }
    static size_t module_count() { return s_module_count; }
    static const BootModule& module(size_t i) { return s_modules[i]; }
    // Whether the command line holds the word (e.g. "console_input=1").
    static bool has_word(const char* word);
    // The value of the first key=VALUE word after `after` (a pointer into
    // the command line; nullptr: from the start), or nullptr.
    static const char* value(const char* key, const char* after = nullptr);
    // The decimal value of key=N on the command line, or fallback.
    static uint64_t number(const char* key, uint64_t fallback);

private:
    static char s_cmdline[4096];
    static PhysRange s_ram[kMaxRam];
    static size_t s_ram_count;
    static BootModule s_modules[kMaxModules];
    static size_t s_module_count;
};

} // namespace husk::x86
