// apt's own resolver and downloader, run without root and without touching
// the host's apt state: a private configuration (APT_CONFIG) whose state,
// lists and archives live in a user cache directory, reused across runs
// ($XDG_CACHE_HOME/husk/debian). Nothing is installed and no maintainer
// script runs: apt only resolves dependencies (against an empty dpkg
// status: nothing is installed, so every dependency comes along, libc6
// included) and downloads .deb files.
#pragma once

#include <string>
#include <vector>
#include "ChildProcess.h"
#include "DebianSources.h"
#include "Failure.h"

namespace husk::tools::image {

struct DebPackage {
    std::string name, version, arch;
    std::string file; // where the .deb is (or will be) in the cache
    bool cached = false;
};

class AptCache {
public:
    AptCache(std::string dir, std::vector<ArchiveSource> sources, bool verbose, bool refresh);
    ~AptCache();

    // Creates the directories and the configuration, and waits for any
    // other husk image using the same cache (one lock for the whole run).
    Failure open();
    // Every package the named ones need, in apt's unpack order.
    Failure resolve(const std::vector<std::string>& names, std::vector<DebPackage>& packages);
    // Downloads what is not in the cache yet.
    Failure download(const std::vector<std::string>& names, std::vector<DebPackage>& packages);

private:
    ChildResult apt(const std::vector<std::string>& args) const;
    Failure ensure_index(bool force);
    Failure update_index();
    Failure resolve_once(const std::vector<std::string>& names, std::vector<DebPackage>& packages);
    std::string archives() const { return m_dir + "/apt/archives"; }
    std::string where() const; // "bookworm at http://..." for messages

    std::string m_dir;
    std::vector<ArchiveSource> m_sources;
    bool m_verbose, m_refresh;
    bool m_updated = false; // the index was refreshed in this run
    int m_lock = -1;
};

// The file name apt stores a package under: name_version_arch.deb with ':'
// (epochs) written %3a.
std::string deb_file_name(const DebPackage& p);

} // namespace husk::tools::image
