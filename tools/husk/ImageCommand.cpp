#include "ImageCommand.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>
#include "image/AptCache.h"
#include "image/DebianSources.h"
#include "image/Ext4Image.h"
#include "image/RootTree.h"

namespace husk::tools {

namespace {

using namespace husk::tools::image;

// Exit statuses: a script can tell a misspelt package from a network problem.
constexpr int kFailed = 1, kNoSuchPackage = 3, kUnreachable = 4; // 2: a bad command line (Cli.h)

struct Options {
    std::vector<std::string> packages;
    std::string output, suite = "bookworm", mirror, cache;
    bool refresh = false, verbose = false, tree = false;
};

// NAME, NAME=VERSION or NAME/SUITE with Debian's rules for names (policy 5.6.1).
bool valid_package(const std::string& word)
{
    std::string name = word.substr(0, word.find_first_of("=/"));
    if (name.size() < 2 || !(std::islower((unsigned char)name[0]) || std::isdigit((unsigned char)name[0])))
        return false;
    for (char c : name)
        if (!std::islower((unsigned char)c) && !std::isdigit((unsigned char)c) && !std::strchr("+-.", c))
            return false;
    return name.size() == word.size() || word.size() > name.size() + 1;
}

std::string default_cache()
{
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/')
        return std::string(xdg) + "/husk/debian";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.cache/husk/debian";
}

int status_for(const Failure& f)
{
    std::string text = f.message;
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    std::fprintf(stderr, "husk image: %s\n", text.c_str());
    switch (f.kind) {
    case FailureKind::NoSuchPackage:
        return kNoSuchPackage;
    case FailureKind::Unreachable:
        return kUnreachable;
    default:
        return kFailed;
    }
}

int debian_image(const Options& o)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path out = fs::absolute(o.output, ec);
    if (fs::is_directory(out, ec) && !o.tree)
        return status_for(Failure::other(o.output + " is a directory"));
    if (o.tree && fs::exists(fs::symlink_status(out, ec)))
        return status_for(Failure::other(o.output + " exists (--tree makes a new directory)"));
    if (!fs::is_directory(out.parent_path(), ec))
        return status_for(Failure::other("no directory " + out.parent_path().string() + " for " + o.output));

    std::vector<ArchiveSource> sources;
    if (!o.mirror.empty()) {
        sources.push_back(mirror_source(o.mirror, o.suite));
    } else {
        sources = host_sources("/etc/apt", o.suite);
        if (sources.empty())
            sources = { mirror_source("http://deb.debian.org/debian", o.suite),
                        { "http://deb.debian.org/debian-security", { o.suite + "-security" }, { "main" }, kDebianKeyring } };
    }

    AptCache cache(o.cache.empty() ? default_cache() : o.cache, sources, o.verbose, o.refresh);
    if (Failure f = cache.open())
        return status_for(f);
    std::string names;
    for (auto& p : o.packages)
        names += (names.empty() ? "" : " ") + p;
    std::fprintf(stderr, "husk image: resolving %s (Debian %s)\n", names.c_str(), o.suite.c_str());
    std::vector<DebPackage> packages;
    if (Failure f = cache.resolve(o.packages, packages))
        return status_for(f);
    // The versions the archive gave for what was asked (a recipe compares
    // them with the version it was written against).
    for (auto& wanted : o.packages)
        for (auto& p : packages)
            if (p.name == wanted)
                std::fprintf(stderr, "husk image: %s %s\n", p.name.c_str(), p.version.c_str());
    size_t missing = 0;
    for (auto& p : packages)
        missing += !p.cached;
    std::fprintf(stderr, "husk image: downloading %zu packages (%zu of %zu in the cache)\n", missing,
                 packages.size() - missing, packages.size());
    if (Failure f = cache.download(o.packages, packages))
        return status_for(f);

    StagingDir staging; // beside a tree, which is moved out of it in one rename
    if (Failure f = staging.create("husk-image-", o.tree ? out.parent_path().string() : ""))
        return status_for(f);
    std::string root = staging.path() + "/root";
    FileTools tools;
    if (Failure f = choose_file_tools(staging.path() + "/fakeroot.state", o.verbose, tools))
        return status_for(f);
    std::fprintf(stderr, "husk image: unpacking %zu packages\n", packages.size());
    std::vector<std::string> created = { root };
    if (!fs::create_directory(root, ec))
        return status_for(Failure::other("cannot create " + root + ": " + ec.message()));
    if (Failure f = unpack_packages(packages, root, tools))
        return status_for(f);
    if (Failure f = merge_usr(root, staging.path() + "/trash", created))
        return status_for(f);
    if (Failure f = add_system_files(root, created))
        return status_for(f);
    if (Failure f = own_by_root(created, tools))
        return status_for(f);
    if (o.tree) {
        fs::rename(root, out, ec);
        if (ec)
            return status_for(Failure::other("cannot move the tree to " + out.string() + ": " + ec.message()));
    } else {
        std::fprintf(stderr, "husk image: making the ext4 image %s\n", o.output.c_str());
        if (Failure f = make_ext4_image(root, out.string(), "husk-root", tools.options))
            return status_for(f);
    }
    std::fprintf(stderr, "husk image: %s is ready: %zu packages\n", o.output.c_str(), packages.size());
    return 0;
}

} // namespace

Runner declare_image(CLI::App& app)
{
    describe(app, "usage: husk image debian [options] PACKAGE... -o IMAGE\n"
                  "Builds a root file system for husk run --rootfs from a distribution's packages\n"
                  "(Debian's today): husk image debian --help tells more.");
    app.require_subcommand(1);
    CLI::App* debian = app.add_subcommand("debian", "a root of Debian binary packages and their dependencies");
    describe(*debian,
             "usage: husk image debian [options] PACKAGE... -o IMAGE\n"
             "Builds a root file system for husk run --rootfs from Debian binary packages:\n"
             "apt resolves the PACKAGEs' dependencies (libc6 and the rest come along) and\n"
             "downloads them into a cache of your own; dpkg-deb unpacks them (no maintainer\n"
             "script runs, no root, no chroot) into a merged-/usr tree with /etc/passwd and\n"
             "/etc/group; mke2fs -d makes a compact ext4 image of it. Progress goes to\n"
             "stderr. A PACKAGE may name a version (NAME=VERSION) or a suite (NAME/SUITE).\n"
             "Exit status: 0 when the image is made, 1 on other failures, 2 for a bad option,\n"
             "3 when the archive has no such package, 4 when the archive cannot be reached.");
    auto o = std::make_shared<Options>();
    debian->add_option("PACKAGE", o->packages, "Debian packages (NAME, NAME=VERSION or NAME/SUITE)")
        ->required()
        ->check(CLI::Validator([](std::string& w) { return valid_package(w) ? "" : "'" + w + "' is not a Debian package name"; },
                               "PACKAGE"));
    debian->add_option("-o,--output", o->output, "the image file to write (replaced when complete)")
        ->type_name("IMAGE")->required();
    debian->add_flag("--tree", o->tree, "write the root as a directory IMAGE (which must not exist yet) instead of an ext4 image");
    debian->add_option("--suite", o->suite, "the Debian release (default bookworm)")
        ->type_name("NAME")
        ->check(CLI::Validator([](std::string& v) {
            for (char c : v)
                if (!std::isalnum((unsigned char)c) && c != '-')
                    return "'" + v + "' is not a Debian suite name";
            return std::string();
        }, "NAME"));
    debian->add_option("--mirror", o->mirror, "a Debian archive (default: the one this machine's apt sources name, else deb.debian.org)")
        ->type_name("URI")
        ->check(CLI::Validator([](std::string& v) {
            return v.find("://") == std::string::npos ? std::string("needs a URI such as http://deb.debian.org/debian")
                                                      : std::string();
        }, "URI"));
    debian->add_option("--cache", o->cache, "the download cache (default $XDG_CACHE_HOME/husk/debian, or ~/.cache/husk/debian)")
        ->type_name("DIR");
    debian->add_flag("--refresh", o->refresh, "read the archive's package index again first");
    debian->add_flag("-v,--verbose", o->verbose, "show the commands run and their output");
    return [o] { return debian_image(*o); };
}

} // namespace husk::tools
