#include "Config.h"

namespace husk {

namespace {
kstd::StringView g_words;   // the configuration words
kstd::StringView g_program; // after " -- "
} // namespace

void Config::load(const char* cmdline)
{
    kstd::StringView line(cmdline ? cmdline : "");
    g_words = line;
    g_program = {};
    for (size_t i = 0; i + 1 < line.length(); ++i) {
        bool starts_word = i == 0 || line[i - 1] == ' ';
        bool ends_word = i + 2 == line.length() || line[i + 2] == ' ';
        if (starts_word && line[i] == '-' && line[i + 1] == '-' && ends_word) {
            g_words = line.substring(0, i);
            g_program = i + 3 <= line.length() ? line.substring(i + 3) : kstd::StringView();
            break;
        }
    }
}

kstd::StringView Config::program_line() { return g_program; }
kstd::StringView Config::words() { return g_words; }

kstd::StringView Config::next_word(kstd::StringView& rest)
{
    size_t i = 0;
    while (i < rest.length() && rest[i] == ' ')
        ++i;
    size_t start = i;
    while (i < rest.length() && rest[i] != ' ')
        ++i;
    kstd::StringView word = rest.substring(start, i - start);
    rest = rest.substring(i);
    return word;
}

kstd::StringView Config::get(kstd::StringView key, kstd::StringView fallback)
{
    kstd::StringView found = fallback;
    each(key, [&](kstd::StringView value) { found = value; }); // the last occurrence wins
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
