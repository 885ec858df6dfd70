// husk pkg list | build | run (PkgCommand.h).
#include "PkgCommand.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <unistd.h>
#include "ImageFiles.h"
#include "PkgBuild.h"
#include "PkgRecipe.h"
#include "RunCommand.h"

namespace husk::tools {

namespace {

std::optional<Recipe> find_recipe(const std::string& name, const char* command)
{
    std::string dir = recipes_dir(), why;
    auto names = recipe_names(dir);
    bool known = false;
    for (const auto& n : names)
        known = known || n == name;
    if (!known) {
        std::string near = closest(name, names);
        std::fprintf(stderr, "husk pkg %s: no recipe named '%s' in %s%s (husk pkg list shows them)\n", command, name.c_str(),
                     dir.c_str(), near.empty() ? "" : (" — did you mean " + near + "?").c_str());
        return std::nullopt;
    }
    auto r = read_recipe(dir + "/" + name, why);
    if (!r)
        std::fprintf(stderr, "husk pkg %s: %s\n", command, why.c_str());
    return r;
}

std::string joined(const std::vector<std::string>& words)
{
    std::string s;
    for (const auto& w : words) {
        bool plain = !w.empty() && w.find_first_of(" \t'\"\\$`;&|<>()*?#") == std::string::npos;
        s += (s.empty() ? "" : " ") + (plain ? w : shell_word(w));
    }
    return s;
}

int list()
{
    std::string dir = recipes_dir();
    auto names = recipe_names(dir);
    if (names.empty()) {
        std::fprintf(stderr, "husk pkg list: no recipes in %s\n", dir.c_str());
        return 1;
    }
    int status = 0;
    std::printf("%-12s %-20s %-7s %-6s %s\n", "NAME", "VERSION", "KIND", "BUILT", "SUMMARY");
    for (const auto& name : names) {
        std::string why;
        auto r = read_recipe(dir + "/" + name, why);
        if (!r) {
            std::fprintf(stderr, "husk pkg list: %s\n", why.c_str());
            status = 1;
            continue;
        }
        std::printf("%-12s %-20s %-7s %-6s %s\n", r->name.c_str(), r->version.c_str(), r->kind.c_str(),
                    pkg_is_built(*r, pkg_out_dir(*r)) ? "yes" : "no", r->summary.c_str());
        std::printf("%-12s run: husk pkg run %s%s%s\n", "", name.c_str(), r->run.empty() ? "" : "  # husk run ",
                    joined(r->run).c_str());
    }
    return status;
}

// husk run's flags that take a value, and their other names, from husk
// run's own declaration: to know where a flag's value is, and which of the
// recipe's flags the user's replace.
struct RunFlags {
    CLI::App app;
    RunFlags() { declare_run(app); }
    const CLI::Option* find(const std::string& word) const
    {
        if (word.size() < 2 || word[0] != '-')
            return nullptr;
        std::string flag = word.substr(0, word.find('='));
        for (const CLI::Option* o : app.get_options())
            if (!o->get_positional() && o->check_name(flag))
                return o;
        return nullptr;
    }
    static bool takes_value(const CLI::Option* o) { return o && o->get_expected_min() > 0; }
};

// Groups flag words: a flag with its value ("-M" "128", or "--memory=128"
// alone), anything else alone.
std::vector<std::vector<std::string>> group_flags(const std::vector<std::string>& words, const RunFlags& known)
{
    std::vector<std::vector<std::string>> groups;
    for (size_t i = 0; i < words.size(); ++i) {
        const CLI::Option* o = known.find(words[i]);
        if (RunFlags::takes_value(o) && words[i].find('=') == std::string::npos && i + 1 < words.size())
            groups.push_back({ words[i], words[i + 1] }), ++i;
        else
            groups.push_back({ words[i] });
    }
    return groups;
}

int run(const std::vector<std::string>& words)
{
    if (words.empty()) {
        std::fprintf(stderr, "husk pkg run: which recipe? usage: husk pkg run NAME [qemu|kvm] [husk run flags] [-- ARGS]\n");
        return 2;
    }
    auto r = find_recipe(words[0], "run");
    if (!r)
        return 2;
    std::string out = pkg_out_dir(*r);
    if (!pkg_is_built(*r, out) && pkg_build(*r, {}) != 0)
        return 1;
    // The user's words: [qemu|kvm] FLAGS [-- ARGS]; the recipe's: FLAGS [-- ARGS].
    size_t at = 1;
    std::string platform = "qemu";
    if (at < words.size() && (words[at] == "qemu" || words[at] == "kvm"))
        platform = words[at++];
    auto split = [](std::vector<std::string> w, std::vector<std::string>& flags, std::vector<std::string>& args) {
        auto dash = std::find(w.begin(), w.end(), "--");
        flags.assign(w.begin(), dash);
        if (dash != w.end())
            args.assign(dash + 1, w.end());
        return dash != w.end();
    };
    std::vector<std::string> user_flags, user_args, recipe_flags, recipe_args;
    bool user_gave_args = split(std::vector<std::string>(words.begin() + at, words.end()), user_flags, user_args);
    split(expand_run_words(r->run, out, r->dir), recipe_flags, recipe_args);
    // The user's flags first; a flag the user gives replaces the recipe's,
    // except those that add (-e, -b, -V, -n, -I, -W, -g, --append).
    RunFlags known;
    const std::set<std::string> adding = { "-e", "-b", "-V", "-n", "-I", "-W", "-g", "--append" };
    std::set<const CLI::Option*> given;
    for (const auto& g : group_flags(user_flags, known))
        if (const CLI::Option* o = known.find(g[0])) {
            bool adds = false;
            for (const auto& a : adding)
                adds = adds || o->check_name(a);
            if (!adds)
                given.insert(o);
        }
    std::vector<std::string> argv = { tool_dir() + "husk", "run", platform };
    argv.insert(argv.end(), user_flags.begin(), user_flags.end());
    for (const auto& g : group_flags(recipe_flags, known))
        if (!given.count(known.find(g[0])))
            argv.insert(argv.end(), g.begin(), g.end());
    if (r->kind == "debian")
        argv.insert(argv.end(), { "--rootfs", pkg_image(*r, out), r->program });
    else
        argv.push_back(pkg_image(*r, out));
    const auto& args = user_gave_args ? user_args : recipe_args;
    if (!args.empty()) {
        argv.push_back("--");
        argv.insert(argv.end(), args.begin(), args.end());
    }
    std::vector<std::string> shown(argv.begin() + 1, argv.end());
    std::fprintf(stderr, "husk pkg: husk %s\n", joined(shown).c_str());
    std::fflush(stderr);
    std::vector<char*> cargs;
    for (auto& a : argv)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    std::fprintf(stderr, "husk pkg run: cannot run %s: %s\n", cargs[0], std::strerror(errno));
    return 125;
}

} // namespace

Runner declare_pkg(CLI::App& app)
{
    describe(app, "usage: husk pkg list | build NAME | run NAME [qemu|kvm] [husk run flags] [-- ARGS]\n"
                  "Third-party programs as recipes (packages/README.md): each names a Debian version, how it\n"
                  "is built (from Debian's source, or Debian's own binaries in a root image) and how it runs.\n"
                  "Built artefacts are kept per recipe version in $XDG_CACHE_HOME/husk/pkg/NAME/VERSION\n"
                  "(else ~/.cache/husk/pkg). $HUSK_PACKAGES names another directory of recipes.");
    app.require_subcommand(1);
    auto* list_cmd = app.add_subcommand("list", "the recipes: name, version, kind, built or not, what it is, how to run it");
    auto* build_cmd = app.add_subcommand("build", "build a recipe (fetch, configure, compile, bake; a log per stage)");
    describe(*build_cmd, "usage: husk pkg build [-o DIR] [--force] [-v] NAME\n"
                         "Builds recipe NAME: its stages are announced on stderr, each stage's output kept in a\n"
                         "log (OUT/logs/STAGE.log), named with its end when the stage fails. A recipe built\n"
                         "and unchanged since (its files, and for a baked image the kernel) is not built\n"
                         "again (--force does).");
    auto name = std::make_shared<std::string>();
    auto opts = std::make_shared<BuildOptions>();
    build_cmd->add_option("NAME", *name, "the recipe (husk pkg list)")->required();
    build_cmd->add_option("-o,--output", opts->out, "build into DIR instead of the cache")->type_name("DIR");
    build_cmd->add_flag("--force", opts->force, "build again even when built");
    build_cmd->add_flag("-v,--verbose", opts->verbose, "the build's output on stderr as well as in the logs");
    auto* run_cmd = app.add_subcommand("run", "run a recipe's program with its default flags (built first if needed)");
    describe(*run_cmd, "usage: husk pkg run NAME [qemu|kvm] [husk run flags] [-- ARGS]\n"
                       "Runs recipe NAME's image with husk run (qemu by default) and the recipe's flags and\n"
                       "arguments (husk pkg list shows them). Your flags come first and replace the recipe's\n"
                       "same flag (-P, -M, --timeout, ...), except those that add (-e, -b, -V, -n, -g);\n"
                       "ARGS after -- replace the recipe's program arguments.");
    run_cmd->prefix_command();
    run_cmd->allow_extras();
    return [list_cmd, build_cmd, run_cmd, name, opts] {
        if (list_cmd->parsed())
            return list();
        if (build_cmd->parsed()) {
            auto r = find_recipe(*name, "build");
            return r ? pkg_build(*r, *opts) : 2;
        }
        return run(run_cmd->remaining());
    };
}

} // namespace husk::tools
