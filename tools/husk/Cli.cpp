#include "Cli.h"
#include "Completion.h"
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace husk::tools {

namespace {
constexpr int kUsageError = 2;

size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]) });
            diagonal = up;
        }
    }
    return row[b.size()];
}

// "husk run qemu": the command path of an App, for messages.
std::string path_of(const CLI::App* app)
{
    std::string path;
    for (; app; app = app->get_parent())
        path = app->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

// The deepest subcommand the line reached: its flags are the candidates.
const CLI::App* deepest(const CLI::App* app)
{
    for (const CLI::App* sub : app->get_subcommands())
        if (sub->parsed())
            return deepest(sub);
    return app;
}

std::vector<std::string> flag_names(const CLI::App* app)
{
    std::vector<std::string> names;
    for (const CLI::App* a = app; a; a = a->get_parent()) {
        for (const CLI::Option* o : a->get_options()) {
            for (const auto& l : o->get_lnames())
                names.push_back("--" + l);
            for (const auto& s : o->get_snames())
                names.push_back("-" + s);
        }
        if (!a->get_fallthrough())
            break;
    }
    return names;
}

std::vector<std::string> subcommand_names(const CLI::App* app)
{
    std::vector<std::string> names;
    for (const CLI::App* sub : app->get_subcommands({}))
        names.push_back(sub->get_name());
    return names;
}

// The help of app itself (CLI11's help() shows a chosen subcommand's).
std::string help_of(const CLI::App* app) { return app->get_formatter()->make_help(app, app->get_name(), CLI::AppFormatMode::Normal); }

void print(const std::string& text, FILE* out)
{
    std::fputs(text.c_str(), out);
    if (!text.empty() && text.back() != '\n')
        std::fputc('\n', out);
}

int usage_error(const CLI::App* at, const std::string& message, const std::string& hint)
{
    std::string path = path_of(at);
    std::fprintf(stderr, "%s: %s\n", path.c_str(), message.c_str());
    if (!hint.empty())
        std::fprintf(stderr, "%s\n", hint.c_str());
    std::fprintf(stderr, "Try '%s --help'.\n", path.c_str());
    return kUsageError;
}

// A word that does not belong: a mistyped flag or command, with the closest
// real one.
std::string suggestion(const CLI::App* at, const std::vector<std::string>& extras)
{
    for (const auto& word : extras) {
        bool flag = !word.empty() && word[0] == '-';
        std::string name = flag ? word.substr(0, word.find('=')) : word;
        std::string near = closest(name, flag ? flag_names(at) : subcommand_names(at));
        if (!near.empty())
            return "Did you mean '" + near + "'?";
    }
    return "";
}

std::map<const CLI::App*, std::string>& descriptions()
{
    static std::map<const CLI::App*, std::string> texts;
    return texts;
}

// CLI11's help with the commands' own usage lines and descriptions.
class HelpFormatter : public CLI::Formatter {
public:
    // The usage line, then the description (CLI11 puts its description first).
    std::string make_usage(const CLI::App* app, std::string) const override
    {
        std::string usage = CLI::Formatter::make_usage(app, path_of(app)), text = CLI::Formatter::make_description(app);
        if (auto it = descriptions().find(app); it != descriptions().end()) {
            text = it->second;
            if (text.rfind("usage: ", 0) == 0) {
                usage = "Usage: " + text.substr(7, text.find('\n') - 7) + "\n";
                text = text.find('\n') == std::string::npos ? "" : text.substr(text.find('\n') + 1);
            }
        }
        while (!text.empty() && text[0] == '\n')
            text.erase(0, 1);
        return usage + (text.empty() ? "" : "\n" + text + (text.back() == '\n' ? "" : "\n"));
    }
    std::string make_description(const CLI::App*) const override { return ""; }
    std::string make_footer(const CLI::App* app) const override
    {
        std::string footer = CLI::Formatter::make_footer(app);
        return footer.empty() || footer.back() == '\n' ? footer : footer + "\n";
    }
};

bool is_command(const CLI::App& app, const std::string& name)
{
    for (const CLI::App* sub : app.get_subcommands({}))
        if (sub->get_name() == name)
            return true;
    return false;
}

void add_help_command(CLI::App& app, std::string& topic)
{
    CLI::App* help = app.add_subcommand("help", "show the help of husk or of one of its commands");
    help->add_option("COMMAND", topic, "a command (run, ctl, ...)");
}
} // namespace

void describe(CLI::App& app, const std::string& text) { descriptions()[&app] = text; }

std::string closest(const std::string& word, const std::vector<std::string>& candidates)
{
    std::string best;
    size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

CLI::Validator whole_number(const char* what, unsigned long min, unsigned long max)
{
    std::string description = std::string(what) + " " + std::to_string(min) + "-" + std::to_string(max);
    return CLI::Validator(
        [=](std::string& value) -> std::string {
            bool digits = !value.empty() && value.size() <= 10 && value.find_first_not_of("0123456789") == std::string::npos;
            unsigned long n = digits ? std::stoul(value) : 0;
            if (!digits || n < min || n > max)
                return "wants " + std::string(what) + " from " + std::to_string(min) + " to " + std::to_string(max) + ", not '"
                       + value + "'";
            return "";
        },
        "", "");
}

int run_cli(int argc, char** argv, const std::vector<Command>& table)
{
    CLI::App app("Husk: instant unikernels for unmodified Linux programs, on a C++ anykernel.", "husk");
    app.formatter(std::make_shared<HelpFormatter>());
    app.require_subcommand(0, 1);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.footer("Run 'husk help COMMAND' or 'husk COMMAND --help' for a command's options.");
    std::map<const CLI::App*, Runner> runners;
    std::string topic;
    add_help_command(app, topic);
    std::string shell;
    CLI::App* completion = add_completion_command(app, shell);
    for (const Command& c : table) {
        CLI::App* sub = app.add_subcommand(c.name, c.summary);
        runners[sub] = c.declare(*sub);
    }
    if (argc < 2) {
        print(help_of(&app), stderr);
        return kUsageError;
    }
    // An unknown command: say so, with the nearest one.
    if (std::string first = argv[1]; first[0] != '-' && !is_command(app, first))
        return usage_error(&app, "unknown command '" + first + "'", suggestion(&app, { first }));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        print(help_of(deepest(&app)), stdout);
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        print(app.help("", CLI::AppFormatMode::All), stdout);
        return 0;
    } catch (const CLI::ExtrasError& e) {
        // "The following argument(s) was/were not expected: A B"
        std::string message = e.what();
        std::vector<std::string> extras;
        std::istringstream words(message.substr(message.find(": ") + 2));
        for (std::string w; words >> w;)
            extras.push_back(w);
        const CLI::App* at = deepest(&app);
        return usage_error(at, message, suggestion(at, extras));
    } catch (const CLI::RequiredError& e) {
        // "A subcommand is required": which ones there are.
        const CLI::App* at = deepest(&app);
        std::string hint;
        for (const auto& name : subcommand_names(at))
            hint += (hint.empty() ? "Commands: " : ", ") + name;
        return usage_error(at, e.what(), std::string(e.what()).find("subcommand") != std::string::npos ? hint : "");
    } catch (const CLI::ParseError& e) {
        return usage_error(deepest(&app), e.what(), "");
    }
    if (app.got_subcommand("help")) {
        if (topic.empty()) {
            print(help_of(&app), stdout);
            return 0;
        }
        if (!is_command(app, topic))
            return usage_error(&app, "unknown command '" + topic + "'", suggestion(&app, { topic }));
        print(help_of(app.get_subcommand(topic)), stdout);
        return 0;
    }
    if (completion->parsed()) {
        std::fputs(bash_completion(app).c_str(), stdout);
        return 0;
    }
    for (const auto& [sub, runner] : runners)
        if (sub->parsed())
            return runner();
    print(help_of(&app), stderr);
    return kUsageError;
}

} // namespace husk::tools
