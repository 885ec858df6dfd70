// An option file: a command's flags written in a TOML (or INI) file, as
// `husk run -f husk.toml` reads them. CLI11 parses the file (its config
// reader); each key is a flag's long name (memory = "128M") or, for a flag
// with only a one-letter name, that letter (n = ["inet,dhcp"]); a list
// gives a repeatable flag several times. A flag the command line gives
// wins over the file's. Values go through the flag's own checks, so a bad
// value is reported as on the command line.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace husk::tools {

// What a command takes itself: called first for every key, with the
// option of that name (nullptr when there is none); returns true when it
// took the key. Keys nobody takes are errors.
using OptionFileHook = std::function<bool(const std::string& key, CLI::Option* option, const std::vector<std::string>& values)>;

// Gives FILE's keys to app's options. Throws CLI::ConfigError naming the
// file and the key that is wrong (unknown, a [section], a bad value).
void apply_option_file(CLI::App& app, const std::string& path, const OptionFileHook& hook);

} // namespace husk::tools
