// The kernel's version, as uname(2) and the boot banner report it.
#pragma once

namespace husk {

inline constexpr const char* kHuskVersion = "0.1.0";
// Linux-compatible release string: libcs parse the leading numbers.
inline constexpr const char* kUnameRelease = "6.1.0-husk-0.1.0";
inline constexpr const char* kUnameVersion = "#1 Husk 0.1.0";

} // namespace husk
