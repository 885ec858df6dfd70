// husk's command line, on CLI11: one table of commands, each declaring its
// options (and subcommands) on its own CLI::App in one place and handing
// back what runs it once the line is parsed. CLI11 writes every --help,
// checks values (its messages name the flag) and ends options at a
// program's name where a command says so (positionals_at_end).
//
// Adding a command: a Command in main.cpp's table, whose declare function
// adds options to the App it is given and returns the runner.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace husk::tools {

using Runner = std::function<int()>;

struct Command {
    const char* name;
    const char* summary;
    Runner (*declare)(CLI::App& app);
};

// Parses argv against the table and runs the chosen command: its status,
// 0 after --help, 2 for a bad command line (with a suggestion for a
// mistyped command or flag).
int run_cli(int argc, char** argv, const std::vector<Command>& table);

// The closest of candidates to word ("" when none is close): for "did you
// mean" on a mistyped command or flag.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// A command's help text, shown by its --help above the options (the
// table's summary stays the one-line description in listings). A first
// line "usage: ..." replaces CLI11's usage line.
void describe(CLI::App& app, const std::string& text);

// An option given once per value (-e A -e B), never taking the next
// words after its value: a program's name is not a second -g.
inline CLI::Option* repeatable(CLI::Option* o)
{
    return o->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// A CLI11 check for a value in a range with a unit ("-M: '2' ... between
// 4 and 65536"), used by several commands.
CLI::Validator whole_number(const char* what, unsigned long min, unsigned long max);

} // namespace husk::tools
