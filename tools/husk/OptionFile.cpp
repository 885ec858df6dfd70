#include "OptionFile.h"
#include "Cli.h"
#include <fstream>

namespace husk::tools {

namespace {
CLI::Option* option_named(CLI::App& app, const std::string& key)
{
    if (key.empty() || key[0] == '-')
        return nullptr;
    CLI::Option* o = app.get_option_no_throw("--" + key);
    if (!o && key.size() == 1)
        o = app.get_option_no_throw("-" + key);
    return o;
}

std::vector<std::string> key_names(const CLI::App& app)
{
    std::vector<std::string> names;
    for (const CLI::Option* o : app.get_options()) {
        for (const auto& l : o->get_lnames())
            names.push_back(l);
        if (o->get_lnames().empty())
            for (const auto& s : o->get_snames())
                names.push_back(s);
    }
    return names;
}
// CLI11 2.1's reader ends a line at '#' even inside quotes, and the rest
// of an array then runs into the next lines: refuse that rather than
// hand a program other arguments than the file's.
void refuse_hash_in_strings(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    for (unsigned number = 1; std::getline(in, line); ++number) {
        char quote = 0;
        for (size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (quote && c == '\\' && quote == '"')
                ++i;
            else if (quote && c == quote)
                quote = 0;
            else if (!quote && (c == '"' || c == '\''))
                quote = c;
            else if (c == '#' && quote)
                throw CLI::ConfigError(path + ":" + std::to_string(number) + ": '#' inside a string (the reader takes it for a comment)");
            else if (c == '#')
                break;
        }
    }
}
} // namespace

void apply_option_file(CLI::App& app, const std::string& path, const OptionFileHook& hook)
{
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::Error&) {
        throw CLI::ConfigError(path + ": cannot read it");
    }
    refuse_hash_in_strings(path);
    auto fail = [&](const std::string& why) { throw CLI::ConfigError(path + ": " + why); };
    for (const CLI::ConfigItem& item : items) {
        if (!item.parents.empty()) {
            if (item.name == "++") // CLI11's mark for "[section]"
                fail("unknown section [" + CLI::detail::join(item.parents, ".") + "]: the keys are husk run's flags, at the top");
            if (item.name != "--")
                fail("unknown key '" + item.fullname() + "'");
            continue;
        }
        CLI::Option* option = option_named(app, item.name);
        bool taken = false;
        try {
            taken = hook(item.name, option, item.inputs);
        } catch (const CLI::ConfigError& e) {
            fail(e.what());
        }
        if (taken)
            continue;
        if (!option) {
            std::vector<std::string> names = key_names(app);
            std::string near = closest(item.name, names);
            fail("unknown key '" + item.name + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
        }
        if (option == app.get_help_ptr() || !option->get_configurable())
            fail("'" + item.name + "' cannot be given in a file");
        if (!option->empty())
            continue; // the command line's value wins
        try {
            if (option->get_expected_min() == 0) { // a flag: true or false
                if (item.inputs.size() != 1)
                    fail("'" + item.name + "' wants true or false");
                option->add_result(option->get_flag_value(item.name, item.inputs[0]));
            } else {
                option->add_result(item.inputs);
            }
            option->run_callback(); // the flag's checks, then its variable
        } catch (const CLI::ConfigError&) {
            throw;
        } catch (const CLI::Error& e) {
            fail(e.what());
        }
    }
}

} // namespace husk::tools
