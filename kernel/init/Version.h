// The kernel's version, as uname(2) and the boot banner report it
// (HUSK_VERSION: CMakeLists.txt's project VERSION).
#pragma once

#include <husk/version.h>

namespace husk {

inline constexpr const char* kHuskVersion = HUSK_VERSION;
// Linux-compatible release string: libcs parse the leading numbers.
inline constexpr const char* kUnameRelease = "6.1.0-husk-" HUSK_VERSION;
inline constexpr const char* kUnameVersion = "#1 Husk " HUSK_VERSION;

} // namespace husk
