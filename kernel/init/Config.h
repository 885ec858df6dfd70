// The kernel command line (husk_plat_cmdline): space-separated key=value
// words, e.g. "loglevel=debug hostname=web1".
#pragma once

#include "../kstd/StringView.h"

namespace husk {

class Config {
public:
    static void load(const char* cmdline);
    // The value of key, or fallback when absent.
    static kstd::StringView get(kstd::StringView key, kstd::StringView fallback = {});
    static unsigned long get_number(kstd::StringView key, unsigned long fallback);
};

} // namespace husk
