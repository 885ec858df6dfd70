#include "AptCache.h"
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace husk::tools::image {

namespace fs = std::filesystem;

namespace {

// An index older than this is refreshed before use (security updates
// replace packages, and the archive then no longer has the old file).
constexpr auto kIndexMaxAge = std::chrono::hours(24);

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> v;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        v.push_back(l);
    return v;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string quote_for_file(const std::string& s, const char* special)
{
    std::string out;
    for (unsigned char c : s) {
        if (std::strchr(special, c) || c <= ' ' || c >= 0x7f || c == '%') {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02x", c);
            out += hex;
        } else {
            out += char(c);
        }
    }
    return out;
}

// apt's messages about a failed fetch: "W: Failed to fetch URL  reason" and
// "Err:1 URL ...\n  reason".
std::string fetch_failure(const std::string& output)
{
    auto ls = lines(output);
    for (auto& l : ls) {
        for (const char* p : { "W: Failed to fetch ", "E: Failed to fetch " })
            if (starts_with(l, p))
                return l.substr(3);
    }
    for (size_t i = 0; i < ls.size(); ++i)
        if (starts_with(ls[i], "Err:"))
            return ls[i].substr(ls[i].find(' ') + 1) + (i + 1 < ls.size() ? ":" + ls[i + 1] : "");
    return "";
}

// apt-get's error lines ("E: ...") without the prefix.
std::vector<std::string> errors(const std::string& output)
{
    std::vector<std::string> v;
    for (auto& l : lines(output))
        if (starts_with(l, "E: "))
            v.push_back(l.substr(3));
    return v;
}

// What apt said about packages before its errors: "Package x is a virtual
// package provided by: ...", "Some packages could not be installed ...".
std::string explanation(const std::string& output)
{
    std::string text;
    bool after_tree = false;
    for (auto& l : lines(output)) {
        if (starts_with(l, "Building dependency tree") || starts_with(l, "Reading state information")) {
            after_tree = true;
            continue;
        }
        if (after_tree && !starts_with(l, "E: ") && !starts_with(l, "W: ") && !l.empty())
            text += "  " + l + "\n";
    }
    return text;
}

} // namespace

std::string deb_file_name(const DebPackage& p)
{
    return quote_for_file(p.name, "_:") + "_" + quote_for_file(p.version, "_:") + "_" + quote_for_file(p.arch, "_:.") + ".deb";
}

AptCache::AptCache(std::string dir, std::vector<ArchiveSource> sources, bool verbose, bool refresh)
    : m_dir(std::move(dir))
    , m_sources(std::move(sources))
    , m_verbose(verbose)
    , m_refresh(refresh)
{
}

AptCache::~AptCache()
{
    if (m_lock >= 0)
        close(m_lock);
}

Failure AptCache::open()
{
    std::error_code ec;
    for (const char* sub : { "etc/parts", "etc/sources", "state/lists/partial", "apt/archives/partial" }) {
        fs::create_directories(m_dir + "/" + sub, ec);
        if (ec)
            return Failure::other("cannot create the cache " + m_dir + "/" + sub + ": " + ec.message());
    }
    m_lock = ::open((m_dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lock < 0)
        return Failure::other("cannot open " + m_dir + "/lock: " + std::strerror(errno));
    if (flock(m_lock, LOCK_EX | LOCK_NB) != 0) {
        std::fprintf(stderr, "husk image: waiting for another husk image using %s\n", m_dir.c_str());
        if (flock(m_lock, LOCK_EX) != 0)
            return Failure::other("cannot lock " + m_dir + "/lock: " + std::strerror(errno));
    }
    for (auto& s : m_sources)
        if (access(s.signed_by.c_str(), R_OK) != 0)
            return Failure::other("cannot read the archive's keyring " + s.signed_by + " (install debian-archive-keyring)");
    // The empty dpkg status: apt believes nothing is installed.
    if (!fs::exists(m_dir + "/state/status"))
        std::ofstream(m_dir + "/state/status");
    std::ofstream(m_dir + "/etc/sources/husk.sources") << deb822_text(m_sources);
    // Read instead of /etc/apt/apt.conf and apt.conf.d (APT_CONFIG comes
    // first, and moves Dir::Etc::Parts and main away from the host's), so
    // no host hook (Post-Invoke, proxies for other repositories) applies.
    std::ofstream conf(m_dir + "/apt.conf");
    conf << "Dir::Etc::Parts \"" << m_dir << "/etc/parts\";\n"
         << "Dir::Etc::main \"/dev/null\";\n"
         << "Dir::Etc::SourceList \"/dev/null\";\n"
         << "Dir::Etc::SourceParts \"" << m_dir << "/etc/sources\";\n"
         << "Dir::Etc::Preferences \"/dev/null\";\n"
         << "Dir::Etc::PreferencesParts \"" << m_dir << "/etc/parts\";\n"
         << "Dir::State \"" << m_dir << "/state\";\n"
         << "Dir::State::status \"" << m_dir << "/state/status\";\n"
         << "Dir::Cache \"" << m_dir << "/apt\";\n"
         << "Dir::Log \"" << m_dir << "/state\";\n"
         << "APT::Architecture \"amd64\";\n"
         << "APT::Architectures { \"amd64\"; };\n"
         << "APT::Install-Recommends \"false\";\n"
         << "APT::Install-Suggests \"false\";\n"
         << "APT::Sandbox::User \"root\";\n" // root's downloads into a user's cache: no _apt user
         << "Acquire::Languages \"none\";\n"
         << "Acquire::http::Timeout \"30\";\n"
         << "Acquire::Retries \"2\";\n";
    if (!conf)
        return Failure::other("cannot write " + m_dir + "/apt.conf");
    return Failure::none();
}

ChildResult AptCache::apt(const std::vector<std::string>& args) const
{
    std::vector<std::string> argv = { "apt-get", "-q" };
    argv.insert(argv.end(), args.begin(), args.end());
    if (m_verbose)
        std::fprintf(stderr, "husk image: APT_CONFIG=%s/apt.conf %s\n", m_dir.c_str(), command_line(argv).c_str());
    ChildOptions options;
    options.env = { "APT_CONFIG=" + m_dir + "/apt.conf", "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive" };
    options.echo = m_verbose;
    return run_child(argv, options);
}

std::string AptCache::where() const
{
    return m_sources.empty() ? "" : m_sources[0].suites[0] + " at " + m_sources[0].uri;
}

// Refreshes the index when it is missing (for the first source's first
// suite: the others, -updates and -security, may not exist on a mirror),
// older than a day, or when asked to.
Failure AptCache::ensure_index(bool force)
{
    auto r = apt({ "indextargets", "--format", "$(FILENAME) $(SITE) $(RELEASE)", "Created-By: Packages" });
    if (!r.ok())
        return Failure::other("apt-get indextargets failed: " + (r.status < 0 ? r.start_error + " (install apt)" : last_line(r.output)));
    bool primary = false, stale = false;
    for (auto& l : lines(r.output)) {
        std::istringstream in(l);
        std::string file, site, release;
        in >> file >> site >> release;
        if (site == m_sources[0].uri && release == m_sources[0].suites[0])
            primary = true;
        std::error_code ec;
        auto mtime = fs::last_write_time(file, ec);
        if (!ec && fs::file_time_type::clock::now() - mtime > kIndexMaxAge)
            stale = true;
    }
    if (primary && !stale && !force && !m_refresh)
        return Failure::none();
    if (m_updated)
        return Failure::none();
    Failure f = update_index();
    if (f && primary) {
        // An older index still resolves; the download says whether its
        // files are still there.
        std::fprintf(stderr, "husk image: warning: %s; using the package index from an earlier run\n", f.message.c_str());
        return Failure::none();
    }
    return f;
}

Failure AptCache::update_index()
{
    std::fprintf(stderr, "husk image: reading the package index of %s\n", where().c_str());
    auto r = apt({ "update" });
    m_updated = true;
    if (r.status < 0)
        return Failure::other("cannot run apt-get: " + r.start_error + " (install apt)");
    auto check = apt({ "indextargets", "--format", "$(SITE) $(RELEASE)", "Created-By: Packages" });
    bool primary = false;
    for (auto& l : lines(check.output))
        primary |= l == m_sources[0].uri + " " + m_sources[0].suites[0];
    std::string failure = fetch_failure(r.output);
    if (!primary) {
        if (failure.empty())
            failure = errors(r.output).empty() ? last_line(r.output) : errors(r.output)[0];
        return { FailureKind::Unreachable, "cannot reach the Debian archive (" + where() + "): " + failure };
    }
    if (!failure.empty())
        std::fprintf(stderr, "husk image: warning: %s\n", failure.c_str());
    return Failure::none();
}

Failure AptCache::resolve_once(const std::vector<std::string>& names, std::vector<DebPackage>& packages)
{
    std::vector<std::string> args = { "--simulate", "install" };
    args.insert(args.end(), names.begin(), names.end());
    auto r = apt(args);
    if (r.status < 0)
        return Failure::other("cannot run apt-get: " + r.start_error + " (install apt)");
    if (!r.ok()) {
        auto errs = errors(r.output);
        for (auto& e : errs) {
            std::string name;
            if (starts_with(e, "Unable to locate package "))
                name = e.substr(std::strlen("Unable to locate package "));
            else if (starts_with(e, "Package '") && e.find("' has no installation candidate") != std::string::npos)
                name = e.substr(9, e.find('\'', 9) - 9);
            else if (starts_with(e, "Version '") && e.find(" was not found") != std::string::npos)
                return { FailureKind::NoSuchPackage, e + " (" + where() + ")" };
            if (!name.empty())
                return { FailureKind::NoSuchPackage, "no Debian package named " + name + " (" + where() + ")\n" + explanation(r.output) };
        }
        std::string text = "apt cannot resolve the packages (" + where() + "):\n" + explanation(r.output);
        for (auto& e : errs)
            text += "  " + e + "\n";
        return Failure::other(text);
    }
    packages.clear();
    // "Inst NAME (VERSION RELEASE... [ARCH])"
    for (auto& l : lines(r.output)) {
        if (!starts_with(l, "Inst "))
            continue;
        std::istringstream in(l.substr(5));
        DebPackage p;
        std::string version;
        in >> p.name >> version;
        auto open = l.rfind('['), close = l.rfind(']');
        if (version.size() < 2 || version[0] != '(' || open == std::string::npos || close < open)
            return Failure::other("cannot read apt-get's plan: " + l);
        p.version = version.substr(1);
        p.arch = l.substr(open + 1, close - open - 1);
        if (p.arch.empty()) { // "... [amd64]) []": the last brackets are empty
            auto end = l.rfind("]) ");
            open = l.rfind('[', end);
            p.arch = l.substr(open + 1, end - open - 1);
        }
        p.file = archives() + "/" + deb_file_name(p);
        p.cached = fs::exists(p.file);
        packages.push_back(p);
    }
    if (packages.empty())
        return Failure::other("apt-get planned no package for " + command_line(names));
    return Failure::none();
}

Failure AptCache::resolve(const std::vector<std::string>& names, std::vector<DebPackage>& packages)
{
    if (Failure f = ensure_index(false))
        return f;
    Failure f = resolve_once(names, packages);
    if (f.kind == FailureKind::NoSuchPackage && !m_updated) {
        // Perhaps the package is newer than our index.
        if (Failure u = ensure_index(true); u.kind == FailureKind::Unreachable)
            return u;
        f = resolve_once(names, packages);
    }
    return f;
}

Failure AptCache::download(const std::vector<std::string>& names, std::vector<DebPackage>& packages)
{
    for (int attempt = 0;; ++attempt) {
        std::vector<std::string> args = { "--download-only", "--yes", "install" };
        args.insert(args.end(), names.begin(), names.end());
        auto r = apt(args);
        if (r.ok()) {
            for (auto& p : packages)
                if (!fs::exists(p.file))
                    return Failure::other("apt-get downloaded " + p.name + " but " + p.file + " is not there");
            return Failure::none();
        }
        std::string failure = fetch_failure(r.output);
        // Not found: the archive moved on (a security update replaced a
        // package); a fresh index names the new file.
        if (!m_updated && attempt == 0 && failure.find(" 404 ") != std::string::npos) {
            if (Failure f = ensure_index(true))
                return f;
            if (Failure f = resolve_once(names, packages))
                return f;
            continue;
        }
        if (!failure.empty())
            return { FailureKind::Unreachable, "cannot download from the Debian archive (" + where() + "): " + failure };
        auto errs = errors(r.output);
        return Failure::other("apt-get --download-only failed: " + (errs.empty() ? last_line(r.output) : errs[0]));
    }
}

} // namespace husk::tools::image
