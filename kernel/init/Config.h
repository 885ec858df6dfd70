// The kernel command line (husk_plat_cmdline): space-separated key=value
// words, e.g. "loglevel=debug hostname=web1"; a word husk.json={...} with a
// JSON object (what `husk run` writes: rumprun's "cmdline", "env", "blk"
// and "hostname" keys, and "argv"), whose string members read like words;
// and optionally a word "--" followed by the program's command line (not
// configuration). Platforms may append words of their own. A JSON object
// the platform carries beside the command line (husk_plat_config_read:
// husk run's fw_cfg file, without the command line's length limit) takes
// the husk.json word's place.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../kstd/Json.h"
#include "../kstd/StringView.h"

namespace husk {

class Config {
public:
    // Splits the command line (no allocation: before the heap exists).
    static void load(const char* cmdline);
    // Parses the platform's configuration, else the husk.json word (needs
    // the heap); EINVAL, logged with the place of the problem, when it is
    // malformed; EIO when the platform could not read it.
    static kstd::ErrorOr<void> parse_json();

    // The value of key (the JSON member if a string, else the last word),
    // or fallback when absent.
    static kstd::StringView get(kstd::StringView key, kstd::StringView fallback = {});
    static unsigned long get_number(kstd::StringView key, unsigned long fallback);
    // Every value of key, in order: the JSON member's (a string, or an
    // array of strings), then every key=VALUE word (e.g. env=K=V).
    template<typename F>
    static void each(kstd::StringView key, F f)
    {
        if (const kstd::JsonValue* v = json(key)) {
            if (v->is_string())
                f(v->text());
            for (const auto& item : v->items())
                if (item.is_string())
                    f(item.text());
        }
        each_word(key, f);
    }
    // The JSON member `key`, or nullptr.
    static const kstd::JsonValue* json(kstd::StringView key);
    // The text after the "--" word (empty if none): the program's arguments.
    static kstd::StringView program_line();

private:
    // The value of every key=VALUE word, in order.
    template<typename F>
    static void each_word(kstd::StringView key, F f)
    {
        kstd::StringView ranges[2] = { words_before(), words_after() };
        for (kstd::StringView range : ranges) {
            while (!range.is_empty()) {
                kstd::StringView word = next_word(range);
                long eq = word.find('=');
                if (eq > 0 && word.substring(0, size_t(eq)) == key)
                    f(word.substring(size_t(eq) + 1));
            }
        }
    }
    static kstd::StringView words_before();
    static kstd::StringView words_after();
    // Cuts the first space-separated word off `rest`.
    static kstd::StringView next_word(kstd::StringView& rest);
};

} // namespace husk
