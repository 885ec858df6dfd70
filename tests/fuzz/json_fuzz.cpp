// libFuzzer target: the kernel's configuration parsers on hostile text.
// The input is used twice: as a JSON text for kstd::JsonValue::parse (its
// every value walked), and as a kernel command line for Config (words, a
// husk.json={...} word, a "--" program line), queried as boot does.
// Must never crash, hang or trip a sanitizer.
//   json_fuzz -max_total_time=60 CORPUS_DIR
#include <husk/husk.h>
#include <husk/platform.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include "core/Log.h"
#include "init/Config.h"
#include "kstd/Json.h"

namespace {

using kstd::JsonValue;
using kstd::StringView;

void expect(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "json_fuzz: %s\n", what);
        std::abort();
    }
}

// Reads every byte the value says it has (ASan catches views past the text).
size_t walk(const JsonValue& v, const char* begin, const char* end, int depth)
{
    expect(depth <= 64, "nesting deeper than the parser allows");
    size_t sum = 0;
    for (StringView s : { v.text(), v.key() }) {
        if (s.is_empty())
            continue;
        expect(s.data() >= begin && s.data() + s.length() <= end, "a string lies outside the text");
        for (size_t i = 0; i < s.length(); ++i)
            sum += static_cast<unsigned char>(s[i]);
    }
    for (const JsonValue& item : v.items()) {
        sum += walk(item, begin, end, depth + 1);
        if (v.is_object())
            expect(v.get(item.key()) != nullptr, "a member its object cannot find");
    }
    return sum;
}

void fuzz_json(const uint8_t* data, size_t size)
{
    // Exact-size heap copy (decoded in place): reads past the end are caught.
    auto* text = static_cast<char*>(std::malloc(size ? size : 1));
    std::memcpy(text, data, size);
    size_t used = ~size_t(0), error_at = ~size_t(0);
    auto parsed = JsonValue::parse(text, size, &used, &error_at);
    if (parsed.is_error())
        expect(error_at <= size, "error position past the text");
    else {
        expect(used <= size, "value spans past the text");
        walk(parsed.value(), text, text + size, 0);
    }
    std::free(text);
}

void fuzz_config(const uint8_t* data, size_t size)
{
    // A command line is a C string: the input up to its first NUL.
    auto* line = static_cast<char*>(std::malloc(size + 1));
    std::memcpy(line, data, size);
    line[size] = 0;
    husk::Config::load(line);
    if (!husk::Config::parse_json().is_error()) {
        size_t sum = 0;
        for (const char* key : { "hostname", "loglevel", "cmdline", "argv", "env", "blk", "mem" }) {
            sum += husk::Config::get(key).length();
            husk::Config::each(key, [&](StringView v) { sum += v.length(); });
            if (const JsonValue* v = husk::Config::json(key))
                sum += walk(*v, nullptr, reinterpret_cast<const char*>(~uintptr_t(0)), 0);
        }
        sum += husk::Config::get_number("mem", 7) + husk::Config::program_line().length();
        (void)sum;
    }
    // Back to the kernel's own command line before the buffer goes.
    husk::Config::load(husk_plat_cmdline());
    std::free(line);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static bool booted = [] {
        if (husk_init("mem=64 loglevel=error") != 0)
            std::abort();
        // Quiet: every malformed husk.json would log where (below Error prints nothing).
        husk::Log::set_console_level(static_cast<husk::LogLevel>(0));
        return true;
    }();
    (void)booted;
    fuzz_json(data, size);
    fuzz_config(data, size);
    return 0;
}
