// Which Debian archive husk image reads: the one this machine installs
// from (its apt sources for the suite, e.g. bookworm, bookworm-updates,
// bookworm-security), or a mirror given with --mirror. Only the entries are
// copied into husk image's private apt configuration; the host's apt
// configuration and state are never changed.
#pragma once

#include <string>
#include <vector>

namespace husk::tools::image {

struct ArchiveSource {
    std::string uri;                     // http://deb.debian.org/debian
    std::vector<std::string> suites;     // bookworm bookworm-updates
    std::vector<std::string> components; // main
    std::string signed_by;               // a keyring file
};

inline constexpr const char* kDebianKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

// The host's sources for SUITE, SUITE-updates and SUITE-security, read from
// the files under etc_apt (normally /etc/apt: sources.list in the one-line
// format, sources.list.d/*.list and *.sources in deb822). Empty when the
// host has none (not a Debian of that release).
std::vector<ArchiveSource> host_sources(const std::string& etc_apt, const std::string& suite);

// A mirror: SUITE and SUITE-updates, component main.
ArchiveSource mirror_source(const std::string& uri, const std::string& suite);

// The sources as one deb822 file for Dir::Etc::SourceParts.
std::string deb822_text(const std::vector<ArchiveSource>& sources);

} // namespace husk::tools::image
