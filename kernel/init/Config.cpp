#include "Config.h"

namespace husk {

namespace {
const char* g_cmdline = "";
}

void Config::load(const char* cmdline) { g_cmdline = cmdline ? cmdline : ""; }

kstd::StringView Config::get(kstd::StringView key, kstd::StringView fallback)
{
    kstd::StringView line(g_cmdline);
    size_t i = 0;
    kstd::StringView found = fallback;
    while (i < line.length()) {
        while (i < line.length() && line[i] == ' ')
            ++i;
        size_t start = i;
        while (i < line.length() && line[i] != ' ')
            ++i;
        kstd::StringView word = line.substring(start, i - start);
        long eq = word.find('=');
        if (eq < 0)
            continue;
        if (word.substring(0, size_t(eq)) == key)
            found = word.substring(size_t(eq) + 1); // the last occurrence wins
    }
    return found;
}

unsigned long Config::get_number(kstd::StringView key, unsigned long fallback)
{
    kstd::StringView v = get(key);
    if (v.is_empty())
        return fallback;
    unsigned long n = 0;
    for (size_t i = 0; i < v.length(); ++i) {
        if (v[i] < '0' || v[i] > '9')
            return fallback;
        n = n * 10 + unsigned(v[i] - '0');
    }
    return n;
}

} // namespace husk
