#include "Config.h"
#include <husk/platform.h>
#include "../core/Log.h"
#include "../kstd/NeverDestroyed.h"

namespace husk {

namespace {
constexpr kstd::StringView kJsonWord = "husk.json=";

kstd::StringView g_before;  // words before husk.json (or all of them)
kstd::StringView g_after;   // words after it
kstd::StringView g_json;    // the JSON text
kstd::StringView g_program; // after " -- "
const kstd::JsonValue* g_config; // null until parse_json found one
char* g_config_text;             // what g_config's strings point into
kstd::NeverDestroyed<kstd::JsonValue> g_config_storage;

bool word_start(kstd::StringView line, size_t i) { return i == 0 || line[i - 1] == ' '; }

// Where the JSON value starting at line[at] ends (string and nesting aware;
// the parser checks the rest later).
size_t json_end(kstd::StringView line, size_t at)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = at; i < line.length(); ++i) {
        char c = line[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return line.length();
}

// Splits `line` at its "--" word: what comes before, and sets g_program.
kstd::StringView cut_program(kstd::StringView line)
{
    for (size_t i = 0; i + 1 < line.length(); ++i) {
        bool ends_word = i + 2 == line.length() || line[i + 2] == ' ';
        if (word_start(line, i) && line[i] == '-' && line[i + 1] == '-' && ends_word) {
            g_program = i + 3 <= line.length() ? line.substring(i + 3) : kstd::StringView();
            return line.substring(0, i);
        }
    }
    return line;
}
} // namespace

void Config::load(const char* cmdline)
{
    kstd::StringView line(cmdline ? cmdline : "");
    g_before = line;
    g_after = g_json = g_program = {};
    g_config = nullptr;
    for (size_t i = 0; i + kJsonWord.length() < line.length(); ++i) {
        if (word_start(line, i) && line.substring(i, kJsonWord.length()) == kJsonWord) {
            size_t start = i + kJsonWord.length();
            size_t end = json_end(line, start);
            g_before = line.substring(0, i);
            g_json = line.substring(start, end - start);
            g_after = line.substring(end);
            break;
        }
    }
    // The program's words come after all configuration.
    if (g_json.is_empty())
        g_before = cut_program(g_before);
    else
        g_after = cut_program(g_after);
}

namespace {
// The configuration the platform carries beside the command line (x86_64:
// fw_cfg), in kernel memory: it replaces a husk.json word, having no
// length limit. Null when there is none; `failed` when reading it failed.
char* platform_config(size_t& length, bool& failed)
{
    failed = false;
    long size = husk_plat_config_read(nullptr, 0);
    if (size <= 0)
        return nullptr;
    auto* text = static_cast<char*>(kstd::kmalloc(size_t(size) + 1));
    long got = text ? husk_plat_config_read(text, size_t(size)) : -long(kstd::ENOMEM);
    if (got != size) {
        klog(LogLevel::Error, "config: cannot read the platform's configuration (%ld bytes): %s", size,
             got < 0 ? kstd::errno_name(int(-got)) : "its size changed");
        kstd::kfree(text);
        failed = true;
        return nullptr;
    }
    length = size_t(size);
    while (length && (text[length - 1] == 0 || text[length - 1] == '\n' || text[length - 1] == ' '))
        --length;
    text[length] = 0;
    return text;
}
} // namespace

kstd::ErrorOr<void> Config::parse_json()
{
    size_t length = 0;
    bool failed = false;
    char* text = platform_config(length, failed);
    if (failed)
        return kstd::err(kstd::EIO);
    const char* source = text ? "the platform's configuration" : "husk.json";
    if (text && !g_json.is_empty())
        klog(LogLevel::Warning, "config: the platform's configuration replaces the command line's husk.json word");
    if (!text) {
        if (g_json.is_empty())
            return {};
        // Decoded in place: a copy that lives as long as the kernel.
        length = g_json.length();
        text = static_cast<char*>(kstd::kmalloc(length + 1));
        if (!text)
            return kstd::err(kstd::ENOMEM);
        memcpy(text, g_json.data(), length);
        text[length] = 0;
    }
    size_t used = 0, error_at = 0;
    auto parsed = kstd::JsonValue::parse(text, length, &used, &error_at);
    if (parsed.is_error() || !parsed.value().is_object() || used != length) {
        klog(LogLevel::Error, "config: %s is not a valid JSON object (at character %zu of %zu)", source,
             parsed.is_error() ? error_at : used, length);
        kstd::kfree(text);
        return kstd::err(kstd::EINVAL);
    }
    // A second call (the JSON fuzzer makes many) replaces the first's copy.
    g_config_storage.get() = kstd::move(parsed.value());
    kstd::kfree(g_config_text);
    g_config_text = text;
    g_config = &g_config_storage.get();
    return {};
}

const kstd::JsonValue* Config::json(kstd::StringView key) { return g_config ? g_config->get(key) : nullptr; }
kstd::StringView Config::program_line() { return g_program; }
kstd::StringView Config::words_before() { return g_before; }
kstd::StringView Config::words_after() { return g_after; }

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
    if (const kstd::JsonValue* v = json(key); v && v->is_string())
        return v->text();
    kstd::StringView found = fallback;
    each_word(key, [&](kstd::StringView value) { found = value; }); // the last occurrence wins
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
