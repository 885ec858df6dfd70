// What went wrong while making an image, kept apart so that the user (and
// a script, through the exit status) can tell a typo in a package name
// from an archive that cannot be reached.
#pragma once

#include <string>

namespace husk::tools::image {

enum class FailureKind {
    None,
    NoSuchPackage, // the archive was read and has no such package
    Unreachable,   // the archive could not be read
    Other,         // apt could not resolve, a tool failed, no disk space, ...
};

struct Failure {
    FailureKind kind = FailureKind::None;
    std::string message; // one or more lines, without "husk image: "
    explicit operator bool() const { return kind != FailureKind::None; }
    static Failure none() { return {}; }
    static Failure other(std::string m) { return { FailureKind::Other, std::move(m) }; }
};

} // namespace husk::tools::image
