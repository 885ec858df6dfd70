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
constexpr int kFailed = 1, kUsageError = 2, kNoSuchPackage = 3, kUnreachable = 4;

void usage(FILE* out)
{
    std::fprintf(out,
                 "usage: husk image debian [options] PACKAGE... -o IMAGE\n"
                 "\n"
                 "Builds a root file system for husk run --rootfs from Debian binary packages:\n"
                 "apt resolves the PACKAGEs' dependencies (libc6 and the rest come along) and\n"
                 "downloads them into a cache of your own; dpkg-deb unpacks them (no maintainer\n"
                 "script runs, no root, no chroot) into a merged-/usr tree with /etc/passwd and\n"
                 "/etc/group; mke2fs -d makes a compact ext4 image of it. Progress goes to\n"
                 "stderr. A PACKAGE may name a version (NAME=VERSION) or a suite (NAME/SUITE).\n"
                 "\n"
                 "options:\n"
                 "  -o, --output IMAGE the image file to write (replaced when complete)\n"
                 "  --tree             write the root as a directory IMAGE (which must not\n"
                 "                     exist yet) instead of an ext4 image; as a user, its\n"
                 "                     files are that user's\n"
                 "  --suite NAME       the Debian release (default bookworm)\n"
                 "  --mirror URI       a Debian archive (default: the one this machine's apt\n"
                 "                     sources name for the suite, else deb.debian.org)\n"
                 "  --cache DIR        the download cache (default $XDG_CACHE_HOME/husk/debian,\n"
                 "                     or ~/.cache/husk/debian)\n"
                 "  --refresh          read the archive's package index again first\n"
                 "  -v, --verbose      show the commands run and their output\n"
                 "\n"
                 "Exit status: 0 when the image is made, 1 on other failures, 2 for a bad option,\n"
                 "3 when the archive has no such package, 4 when the archive cannot be reached.\n");
}

int usage_error(const std::string& message)
{
    std::fprintf(stderr, "husk image: %s\nTry 'husk image --help'.\n", message.c_str());
    return kUsageError;
}

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

int parse(int argc, char** argv, Options& o)
{
    for (int i = 3; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "-o" || a == "--output" || a == "--suite" || a == "--mirror" || a == "--cache") {
            const char* v = value();
            if (!v || !*v)
                return usage_error("option " + a + " needs a value");
            (a == "-o" || a == "--output" ? o.output : a == "--suite" ? o.suite : a == "--mirror" ? o.mirror : o.cache) = v;
        } else if (a == "--tree") {
            o.tree = true;
        } else if (a == "--refresh") {
            o.refresh = true;
        } else if (a == "-v" || a == "--verbose") {
            o.verbose = true;
        } else if (!a.empty() && a[0] == '-') {
            return usage_error("unknown option '" + a + "'");
        } else if (!valid_package(a)) {
            return usage_error("'" + a + "' is not a Debian package name");
        } else {
            o.packages.push_back(a);
        }
    }
    if (o.packages.empty())
        return usage_error("no package named");
    if (o.output.empty())
        return usage_error("no image file given (-o IMAGE)");
    if (o.mirror.find("://") == std::string::npos && !o.mirror.empty())
        return usage_error("--mirror needs a URI such as http://deb.debian.org/debian");
    for (char c : o.suite)
        if (!std::isalnum((unsigned char)c) && c != '-')
            return usage_error("'" + o.suite + "' is not a Debian suite name");
    return 0;
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
    } else if (Failure f = make_ext4_image(root, out.string(), "husk-root", tools.options)) {
        return status_for(f);
    }
    std::fprintf(stderr, "husk image: %s is ready: %zu packages\n", o.output.c_str(), packages.size());
    return 0;
}

} // namespace

int image_command(int argc, char** argv)
{
    for (int i = 2; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
    if (argc < 3)
        return usage_error("which source? (debian)");
    std::string source = argv[2];
    if (source != "debian")
        return usage_error("unknown source '" + source + "' (known: debian)");
    Options o;
    if (int status = parse(argc, argv, o))
        return status;
    return debian_image(o);
}

} // namespace husk::tools
