// The kernel command line (husk_plat_cmdline): space-separated key=value
// words, e.g. "loglevel=debug hostname=web1", then optionally a word "--"
// and the program's command line (its words are not configuration).
#pragma once

#include "../kstd/StringView.h"

namespace husk {

class Config {
public:
    static void load(const char* cmdline);
    // The value of key, or fallback when absent.
    static kstd::StringView get(kstd::StringView key, kstd::StringView fallback = {});
    static unsigned long get_number(kstd::StringView key, unsigned long fallback);
    // Every value of key, in order (e.g. env=K=V given many times).
    template<typename F>
    static void each(kstd::StringView key, F f)
    {
        for (kstd::StringView rest = words(); !rest.is_empty();) {
            kstd::StringView word = next_word(rest);
            long eq = word.find('=');
            if (eq > 0 && word.substring(0, size_t(eq)) == key)
                f(word.substring(size_t(eq) + 1));
        }
    }
    // The text after the "--" word (empty if none): the program's arguments.
    static kstd::StringView program_line();

private:
    static kstd::StringView words();
    // Cuts the first space-separated word off `rest`.
    static kstd::StringView next_word(kstd::StringView& rest);
};

} // namespace husk
