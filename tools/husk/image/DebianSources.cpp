#include "DebianSources.h"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace husk::tools::image {

namespace {

std::vector<std::string> words(const std::string& s)
{
    std::istringstream in(s);
    std::vector<std::string> w;
    for (std::string x; in >> x;)
        w.push_back(x);
    return w;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// Keeps the suites of `entry` that are SUITE, SUITE-updates or SUITE-security.
void add_if_wanted(std::vector<ArchiveSource>& out, ArchiveSource entry, const std::string& suite)
{
    std::vector<std::string> kept;
    for (auto& s : entry.suites)
        if (s == suite || s == suite + "-updates" || s == suite + "-security")
            kept.push_back(s);
    if (kept.empty() || entry.uri.empty())
        return;
    entry.suites = kept;
    if (entry.components.empty())
        entry.components = { "main" };
    // A key given inline (or none): Debian's own keyring signs Debian's archive.
    if (entry.signed_by.empty() || entry.signed_by.find('\n') != std::string::npos
        || entry.signed_by.find("BEGIN PGP") != std::string::npos)
        entry.signed_by = kDebianKeyring;
    out.push_back(entry);
}

void read_deb822(const std::string& path, const std::string& suite, std::vector<ArchiveSource>& out)
{
    std::ifstream in(path);
    std::map<std::string, std::string> fields;
    std::string key;
    auto flush = [&] {
        if (!fields.empty() && lower(fields["enabled"]) != "no") {
            auto types = words(fields["types"]);
            if (std::find(types.begin(), types.end(), "deb") != types.end()) {
                for (auto& uri : words(fields["uris"]))
                    add_if_wanted(out, { uri, words(fields["suites"]), words(fields["components"]), fields["signed-by"] }, suite);
            }
        }
        fields.clear();
        key.clear();
    };
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] == '#')
            continue;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            flush();
        } else if (line[0] == ' ' || line[0] == '\t') {
            if (!key.empty())
                fields[key] += "\n" + line;
        } else if (auto colon = line.find(':'); colon != std::string::npos) {
            key = lower(line.substr(0, colon));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            fields[key] = value;
        }
    }
    flush();
}

void read_one_line(const std::string& path, const std::string& suite, std::vector<ArchiveSource>& out)
{
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        std::string signed_by;
        if (auto open = line.find('['); open != std::string::npos) {
            auto close = line.find(']', open);
            if (close == std::string::npos)
                continue;
            for (auto& option : words(line.substr(open + 1, close - open - 1)))
                if (option.rfind("signed-by=", 0) == 0)
                    signed_by = option.substr(10);
            line.erase(open, close - open + 1);
        }
        auto w = words(line);
        if (w.size() < 3 || w[0] != "deb")
            continue;
        add_if_wanted(out, { w[1], { w[2] }, std::vector<std::string>(w.begin() + 3, w.end()), signed_by }, suite);
    }
}

} // namespace

std::vector<ArchiveSource> host_sources(const std::string& etc_apt, const std::string& suite)
{
    namespace fs = std::filesystem;
    std::vector<ArchiveSource> out;
    read_one_line(etc_apt + "/sources.list", suite, out);
    std::error_code ec;
    std::vector<fs::path> parts;
    for (auto& e : fs::directory_iterator(etc_apt + "/sources.list.d", ec))
        parts.push_back(e.path());
    std::sort(parts.begin(), parts.end()); // apt reads them in this order
    for (auto& p : parts) {
        if (p.extension() == ".list")
            read_one_line(p, suite, out);
        else if (p.extension() == ".sources")
            read_deb822(p, suite, out);
    }
    return out;
}

ArchiveSource mirror_source(const std::string& uri, const std::string& suite)
{
    return { uri, { suite, suite + "-updates" }, { "main" }, kDebianKeyring };
}

std::string deb822_text(const std::vector<ArchiveSource>& sources)
{
    std::string text;
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (auto& x : v)
            s += (s.empty() ? "" : " ") + x;
        return s;
    };
    for (auto& s : sources) {
        if (!text.empty())
            text += "\n";
        text += "Types: deb\nURIs: " + s.uri + "\nSuites: " + join(s.suites) + "\nComponents: " + join(s.components)
            + "\nSigned-By: " + s.signed_by + "\n";
    }
    return text;
}

} // namespace husk::tools::image
